package dev.minihttp.servlet;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The Servlet request attributes that describe the TLS connection a request arrived on
 * (Servlet 6.1, section 3.10 "SSL Attributes"): the client's certificate chain (only when it sent
 * one), the cipher suite, the key size in bits and the TLS session id.
 */
final class TlsRequestAttributes {

    static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";
    static final String CIPHER_SUITE = "jakarta.servlet.request.cipher_suite";
    static final String KEY_SIZE = "jakarta.servlet.request.key_size";
    static final String SESSION_ID = "jakarta.servlet.request.ssl_session_id";

    private TlsRequestAttributes() {
    }

    /** Where a session keeps its attributes once computed (SSLSession's own application data). */
    private static final String CACHED = TlsRequestAttributes.class.getName();

    /**
     * The attributes for one TLS session, in the order getAttributeNames lists them; unmodifiable.
     * Computed once per TLS session and kept on it, since every request of a keep-alive connection
     * asks for the same (and the hex id and the chain copy would otherwise be made per request).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> of(SSLSession session) {
        Object cached = session.getValue(CACHED);
        if (cached instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> attributes = Collections.unmodifiableMap(compute(session));
        session.putValue(CACHED, attributes);
        return attributes;
    }

    private static Map<String, Object> compute(SSLSession session) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        X509Certificate[] chain = peerChain(session);
        if (chain != null) {
            attributes.put(CERTIFICATES, chain);
        }
        String suite = session.getCipherSuite();
        if (suite != null) {
            attributes.put(CIPHER_SUITE, suite);
            Integer keySize = keySize(suite);
            if (keySize != null) {
                attributes.put(KEY_SIZE, keySize);
            }
        }
        String id = sessionId(session);
        if (id != null) {
            attributes.put(SESSION_ID, id);
        }
        return attributes;
    }

    /** The session id in lower-case hex, or null when the session has none (as Tomcat reports it). */
    static String sessionId(SSLSession session) {
        byte[] id = session.getId();
        return id == null || id.length == 0 ? null : HexFormat.of().formatHex(id);
    }

    /**
     * The bulk cipher's key size as Tomcat derives it from the suite's name: what a servlet compares
     * with a minimum strength. Null for a cipher this table does not know (the attribute is left out
     * rather than guessed).
     */
    static Integer keySize(String cipherSuite) {
        if (cipherSuite.contains("_AES_256_") || cipherSuite.contains("_CHACHA20_")
                || cipherSuite.contains("_ARIA_256_") || cipherSuite.contains("_CAMELLIA_256_")) {
            return 256;
        }
        if (cipherSuite.contains("_AES_128_") || cipherSuite.contains("_ARIA_128_")
                || cipherSuite.contains("_CAMELLIA_128_")) {
            return 128;
        }
        if (cipherSuite.contains("_3DES_EDE_")) {
            return 168;
        }
        return null;
    }

    private static X509Certificate[] peerChain(SSLSession session) {
        Certificate[] certificates;
        try {
            certificates = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException noClientCertificate) {
            return null;
        }
        if (certificates == null || certificates.length == 0) {
            return null;
        }
        X509Certificate[] chain = new X509Certificate[certificates.length];
        for (int i = 0; i < certificates.length; i++) {
            if (!(certificates[i] instanceof X509Certificate x509)) {
                return null;
            }
            chain[i] = x509;
        }
        return chain;
    }
}
