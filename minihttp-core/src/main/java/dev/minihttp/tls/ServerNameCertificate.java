package dev.minihttp.tls;

import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What a TLS listener presents to a client that asked for one server name (SNI): the certificate's
 * context and, when they differ from the listener's, the protocols and cipher suites enabled with it
 * (Boot's {@code server.ssl.server-name-bundles}: each bundle may have options of its own).
 *
 * @param context      holds the certificate (and trust material for client certificates)
 * @param protocols    enabled protocol versions; empty means the listener's
 * @param cipherSuites enabled cipher suites; empty means the listener's
 */
public record ServerNameCertificate(SSLContext context, List<String> protocols, List<String> cipherSuites) {

    public ServerNameCertificate {
        Objects.requireNonNull(context, "context");
        protocols = protocols == null ? List.of() : List.copyOf(protocols);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
    }

    /** A certificate enabled with the listener's protocols and cipher suites. */
    public static ServerNameCertificate of(SSLContext context) {
        return new ServerNameCertificate(context, List.of(), List.of());
    }
}
