package dev.minihttp.boot.ssl;

import dev.minihttp.tls.ClientAuth;
import dev.minihttp.tls.ServerNameCertificate;
import dev.minihttp.tls.TlsOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerSslBundle;
import org.springframework.util.StringUtils;

/**
 * Turns Boot's {@code server.ssl.*} (through {@link WebServerSslBundle}, so key stores, PEM files,
 * aliases and bundles mean what they mean for Tomcat and Jetty) into the engine's
 * {@link TlsOptions}: the default certificate, one per {@code server.ssl.server-name-bundles} entry
 * (SNI, each with its bundle's protocols and ciphers), client authentication, protocols and ciphers.
 *
 * <p>Key material that cannot be loaded fails with a message that names the properties it came
 * from; an expired certificate is logged as a warning (see {@link CertificateExpiry}).
 */
public final class ServerSslTls {

    private final Ssl ssl;
    private final SslBundles bundles;

    public ServerSslTls(Ssl ssl, SslBundles bundles) {
        this.ssl = Objects.requireNonNull(ssl, "ssl");
        this.bundles = bundles;
    }

    /** Loads every bundle now and builds the options; call again after a bundle changed (reload). */
    public TlsOptions load() {
        SslBundle main = loadMain();
        SSLContext mainContext = context(main, source());
        CertificateExpiry.warnIfExpired(source(), main);
        Map<String, ServerNameCertificate> serverNames = new LinkedHashMap<>();
        for (Ssl.ServerNameSslBundle entry : ssl.getServerNameBundles()) {
            String source = "server.ssl.server-name-bundles (server name '" + entry.serverName()
                    + "', bundle '" + entry.bundle() + "')";
            SslBundle bundle = named(entry.bundle(), source);
            // The bundle's own options.enabled-protocols / options.ciphers, as Tomcat applies them
            // per host; a bundle without them gets the default certificate's (see docs/tls.md).
            SslOptions own = bundle.getOptions();
            serverNames.put(entry.serverName(), new ServerNameCertificate(context(bundle, source),
                    list(own.getEnabledProtocols()), list(own.getCiphers())));
            CertificateExpiry.warnIfExpired(source, bundle);
        }
        SslOptions options = main.getOptions();
        return new TlsOptions(mainContext, serverNames, clientAuth(ssl.getClientAuth()),
                list(options.getEnabledProtocols()), list(options.getCiphers()), List.of("http/1.1"));
    }

    /**
     * Calls {@code onUpdate} whenever a bundle these options use is updated (Boot watches the files
     * of bundles with {@code reload-on-update: true}); key stores and PEM files named directly under
     * {@code server.ssl} are not watched, as with Tomcat.
     */
    public void onBundleUpdate(Runnable onUpdate) {
        List<String> names = new ArrayList<>();
        if (StringUtils.hasText(ssl.getBundle())) {
            names.add(ssl.getBundle());
        }
        ssl.getServerNameBundles().forEach(entry -> names.add(entry.bundle()));
        Consumer<SslBundle> handler = updated -> onUpdate.run();
        for (String name : names.stream().distinct().toList()) {
            bundles.addBundleUpdateHandler(name, handler);
        }
    }

    private SslBundle loadMain() {
        if (StringUtils.hasText(ssl.getBundle())) {
            return named(ssl.getBundle(), source());
        }
        try {
            return WebServerSslBundle.get(ssl, bundles);
        } catch (RuntimeException e) {
            throw failure(source(), e);
        }
    }

    private SslBundle named(String name, String source) {
        if (bundles == null) {
            throw new IllegalStateException(source + " names an SSL bundle but no SslBundles are available");
        }
        try {
            return bundles.getBundle(name);
        } catch (RuntimeException e) {
            throw failure(source, e);
        }
    }

    /** Creating the context opens the keys: a wrong key password or a missing alias fails here. */
    private static SSLContext context(SslBundle bundle, String source) {
        try {
            return bundle.createSslContext();
        } catch (RuntimeException e) {
            throw failure(source, e);
        }
    }

    /** Which properties the default certificate came from, for messages. */
    private String source() {
        if (StringUtils.hasText(ssl.getBundle())) {
            return "server.ssl.bundle '" + ssl.getBundle() + "'";
        }
        List<String> parts = new ArrayList<>();
        add(parts, "server.ssl.key-store", ssl.getKeyStore());
        add(parts, "server.ssl.certificate", ssl.getCertificate());
        add(parts, "server.ssl.certificate-private-key", ssl.getCertificatePrivateKey());
        add(parts, "server.ssl.key-alias", ssl.getKeyAlias());
        add(parts, "server.ssl.trust-store", ssl.getTrustStore());
        add(parts, "server.ssl.trust-certificate", ssl.getTrustCertificate());
        return parts.isEmpty() ? "server.ssl" : String.join(", ", parts);
    }

    private static void add(List<String> parts, String property, String value) {
        if (value != null) {
            parts.add(property + "=" + value);
        }
    }

    /** Boot's message first (it says what is wrong), the properties it concerns, and the root cause. */
    private static IllegalStateException failure(String source, RuntimeException e) {
        StringBuilder message = new StringBuilder("Could not load the TLS key material of ").append(source)
                .append(": ").append(e.getMessage());
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.toString().contains(root.getMessage())) {
            message.append(" (").append(root.getMessage()).append(')');
        }
        return new IllegalStateException(message.toString(), e);
    }

    private static ClientAuth clientAuth(Ssl.ClientAuth clientAuth) {
        return Ssl.ClientAuth.map(clientAuth, ClientAuth.NONE, ClientAuth.WANT, ClientAuth.NEED);
    }

    private static List<String> list(String[] values) {
        return values == null ? List.of() : Arrays.asList(values);
    }
}
