package dev.minihttp.tls;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import javax.net.ssl.SSLContext;

/**
 * What a TLS listener enables when its options leave protocols or cipher suites empty: TLS 1.3 and
 * 1.2, and the JDK's default suites with forward secrecy and an AEAD cipher only. That drops the
 * static-RSA key exchange (no forward secrecy), CBC modes (padding-oracle history, rated obsolete
 * by scanners) and finite-field DHE (whose strength depends on parameters the client cannot
 * verify); every browser and JDK client of the last decade has an ECDHE-AEAD suite.
 */
public final class TlsDefaults {

    /** TLS 1.3 first: the JDK prefers the order given. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsDefaults() {
    }

    /** The context's default cipher suites that {@link #isStrong(String)} keeps, in the JDK's order. */
    public static List<String> cipherSuites(SSLContext context) {
        List<String> strong = new ArrayList<>();
        for (String suite : context.getDefaultSSLParameters().getCipherSuites()) {
            if (isStrong(suite)) {
                strong.add(suite);
            }
        }
        return strong;
    }

    private static final Map<SSLContext, String[]> CACHE = Collections.synchronizedMap(new WeakHashMap<>());

    /** {@link #cipherSuites} as an array, computed once per context (a handshake asks for it every time). */
    static String[] cachedCipherSuites(SSLContext context) {
        return CACHE.computeIfAbsent(context, c -> cipherSuites(c).toArray(String[]::new)).clone();
    }

    /** TLS 1.3 suites (all AEAD with ephemeral keys), or a TLS 1.2 suite with ECDHE and GCM or ChaCha20. */
    public static boolean isStrong(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return forwardSecret && aead;
    }
}
