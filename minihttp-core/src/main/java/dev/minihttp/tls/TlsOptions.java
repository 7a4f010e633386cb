package dev.minihttp.tls;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;

/**
 * The key material and parameters of one TLS listener, immutable. A server reads its listener's
 * current options for every new connection, so replacing them (certificate reload) affects new
 * connections at once and never touches open ones.
 *
 * @param context              the default certificate's context: used when the client sends no
 *                             server name or one that {@code serverNameContexts} does not know
 * @param serverNameContexts   SNI: host name (lower case; {@code *.example.com} matches one label)
 *                             to the context whose certificate is presented for it
 * @param clientAuth           whether a client certificate is asked for or required
 * @param protocols            enabled protocol versions; empty means {@link TlsDefaults#PROTOCOLS}
 * @param cipherSuites         enabled cipher suites; empty means the JDK's defaults minus the weak ones
 *                             ({@link TlsDefaults#cipherSuites})
 * @param applicationProtocols ALPN protocol ids offered, in preference order; empty means none
 *                             is negotiated (HTTP/1.1 is spoken either way)
 */
public record TlsOptions(
        SSLContext context,
        Map<String, SSLContext> serverNameContexts,
        ClientAuth clientAuth,
        List<String> protocols,
        List<String> cipherSuites,
        List<String> applicationProtocols) {

    public TlsOptions {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(clientAuth, "clientAuth");
        TreeMap<String, SSLContext> names = new TreeMap<>();
        if (serverNameContexts != null) {
            serverNameContexts.forEach((name, ctx) -> names.put(name.toLowerCase(Locale.ROOT),
                    Objects.requireNonNull(ctx, "context for " + name)));
        }
        serverNameContexts = Map.copyOf(names);
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
        applicationProtocols = applicationProtocols == null ? List.of() : List.copyOf(applicationProtocols);
    }

    /** One certificate, no client authentication, the defaults, ALPN {@code http/1.1}. */
    public static TlsOptions of(SSLContext context) {
        return new TlsOptions(context, Map.of(), ClientAuth.NONE, List.of(), List.of(), List.of("http/1.1"));
    }

    /** A copy with other key material (reload): same parameters, new contexts. */
    public TlsOptions withContexts(SSLContext context, Map<String, SSLContext> serverNameContexts) {
        return new TlsOptions(context, serverNameContexts, clientAuth, protocols, cipherSuites, applicationProtocols);
    }

    /**
     * The context for a server name from the ClientHello (null when the client sent none): an exact
     * name first, then a wildcard for its first label, then the default.
     */
    public SSLContext contextFor(String serverName) {
        if (serverName == null || serverNameContexts.isEmpty()) {
            return context;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        SSLContext exact = serverNameContexts.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            SSLContext wildcard = serverNameContexts.get("*" + name.substring(dot));
            if (wildcard != null) {
                return wildcard;
            }
        }
        return context;
    }
}
