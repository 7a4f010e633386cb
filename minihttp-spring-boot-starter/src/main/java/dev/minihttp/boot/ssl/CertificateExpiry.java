package dev.minihttp.boot.ssl;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;

/**
 * Warns at startup (and on reload) about a server certificate that has expired: the server still
 * starts, because a certificate renewed on disk a minute later is reloaded, but every client that
 * checks dates will refuse the handshake until then, and the log should say why first.
 */
final class CertificateExpiry {

    private static final Logger log = LoggerFactory.getLogger(CertificateExpiry.class);

    private CertificateExpiry() {
    }

    static void warnIfExpired(String source, SslBundle bundle) {
        KeyStore keyStore = bundle.getStores().getKeyStore();
        if (keyStore == null) {
            return;
        }
        try {
            String alias = bundle.getKey().getAlias();
            List<String> aliases = alias != null ? List.of(alias) : Collections.list(keyStore.aliases());
            Date now = new Date();
            for (String candidate : aliases) {
                if (!keyStore.isKeyEntry(candidate)) {
                    continue;
                }
                Certificate certificate = keyStore.getCertificate(candidate);
                if (certificate instanceof X509Certificate x509 && x509.getNotAfter().before(now)) {
                    log.warn("The TLS certificate of {} (alias '{}', subject '{}') expired on {}: clients will refuse it",
                            source, candidate, x509.getSubjectX500Principal().getName(), x509.getNotAfter().toInstant());
                }
            }
        } catch (KeyStoreException e) {
            log.debug("Could not check the certificate dates of {}: {}", source, e.toString());
        }
    }
}
