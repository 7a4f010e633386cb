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
 *                             server name or one that {@code serverNames} does not know
 * @param serverNames          SNI: host name (lower case; {@code *.example.com} matches one label)
 *                             to the certificate presented for it, with its own protocols and ciphers
 *                             if it has any
 * @param clientAuth           whether a client certificate is asked for or required
 * @param protocols            enabled protocol versions; empty means {@link TlsDefaults#PROTOCOLS}
 * @param cipherSuites         enabled cipher suites; empty means the JDK's defaults minus the weak ones
 *                             ({@link TlsDefaults#cipherSuites})
 * @param applicationProtocols ALPN protocol ids offered, in preference order; empty means none
 *                             is negotiated (HTTP/1.1 is spoken either way)
 */
public record TlsOptions(
        SSLContext context,
        Map<String, ServerNameCertificate> serverNames,
        ClientAuth clientAuth,
        List<String> protocols,
        List<String> cipherSuites,
        List<String> applicationProtocols) {

    public TlsOptions {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(clientAuth, "clientAuth");
        TreeMap<String, ServerNameCertificate> names = new TreeMap<>();
        if (serverNames != null) {
            serverNames.forEach((name, certificate) -> names.put(name.toLowerCase(Locale.ROOT),
                    Objects.requireNonNull(certificate, "certificate for " + name)));
        }
        serverNames = Map.copyOf(names);
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
        applicationProtocols = applicationProtocols == null ? List.of() : List.copyOf(applicationProtocols);
    }

    /** One certificate, no client authentication, the defaults, ALPN {@code http/1.1}. */
    public static TlsOptions of(SSLContext context) {
        return new TlsOptions(context, Map.of(), ClientAuth.NONE, List.of(), List.of(), List.of("http/1.1"));
    }

    /** A copy that offers these ALPN protocol ids, in this order of preference. */
    public TlsOptions withApplicationProtocols(List<String> ids) {
        return new TlsOptions(context, serverNames, clientAuth, protocols, cipherSuites, ids);
    }

    /** A copy with other key material (reload): same parameters, new contexts, each name with the listener's parameters. */
    public TlsOptions withContexts(SSLContext context, Map<String, SSLContext> serverNameContexts) {
        Map<String, ServerNameCertificate> names = new TreeMap<>();
        serverNameContexts.forEach((name, ctx) -> names.put(name, ServerNameCertificate.of(ctx)));
        return new TlsOptions(context, names, clientAuth, protocols, cipherSuites, applicationProtocols);
    }

    /**
     * What to present for a server name from the ClientHello (null when the client sent none): an
     * exact name first, then a wildcard for its first label, then the default certificate. Empty
     * protocol or cipher lists of a server name's certificate are filled in with the listener's.
     */
    public ServerNameCertificate certificateFor(String serverName) {
        ServerNameCertificate chosen = serverName == null ? null : lookUp(serverName.toLowerCase(Locale.ROOT));
        if (chosen == null) {
            return new ServerNameCertificate(context, protocols, cipherSuites);
        }
        if (chosen.protocols().isEmpty() || chosen.cipherSuites().isEmpty()) {
            return new ServerNameCertificate(chosen.context(),
                    chosen.protocols().isEmpty() ? protocols : chosen.protocols(),
                    chosen.cipherSuites().isEmpty() ? cipherSuites : chosen.cipherSuites());
        }
        return chosen;
    }

    private ServerNameCertificate lookUp(String name) {
        if (serverNames.isEmpty()) {
            return null;
        }
        ServerNameCertificate exact = serverNames.get(name);
        if (exact != null) {
            return exact;
        }
        int dot = name.indexOf('.');
        return dot > 0 ? serverNames.get("*" + name.substring(dot)) : null;
    }
}
