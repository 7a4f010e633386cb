package dev.minihttp.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real certificates made in the test with the JDK's {@code keytool} (EC P-256, self-signed, SAN
 * localhost and 127.0.0.1): key stores in PKCS12 or JKS, the certificate and key as PEM files, and
 * client-side contexts that trust them. Nothing is checked in; every run has fresh keys.
 */
final class TestCertificates {

    static final String PASSWORD = "changeit";

    private TestCertificates() {
    }

    /** One generated key pair and certificate, in the forms a server or a client is configured with. */
    record Certificate(Path keyStore, String storeType, String alias, String storePassword, String keyPassword,
                       X509Certificate x509, PrivateKey key) {

        /** The certificate as a PEM file. */
        Path certificatePem(Path directory) throws IOException {
            Path file = directory.resolve(alias + "-cert.pem");
            writePemCertificate(file);
            return file;
        }

        void writePemCertificate(Path file) throws IOException {
            Files.writeString(file, pem("CERTIFICATE", encoded(x509)));
        }

        /** The private key as an unencrypted PKCS#8 PEM file. */
        Path privateKeyPem(Path directory) throws IOException {
            Path file = directory.resolve(alias + "-key.pem");
            writePemPrivateKey(file);
            return file;
        }

        void writePemPrivateKey(Path file) throws IOException {
            Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
        }

        /** A client context that trusts this certificate only. */
        SSLContext trustingContext() throws Exception {
            return clientContext(this, null);
        }

        /** The key store path as a Boot location ("file:..."). */
        String location() {
            return "file:" + keyStore;
        }

        String subject() {
            return x509.getSubjectX500Principal().getName();
        }
    }

    /** A PKCS12 key store with one entry "server" for CN=localhost, valid from yesterday for three days. */
    static Certificate pkcs12(Path directory) throws Exception {
        return generate(directory, "server", "PKCS12", "CN=localhost", PASSWORD, PASSWORD, "-1d", 3);
    }

    /**
     * Generates a key pair with keytool.
     *
     * @param startDate keytool's -startdate, e.g. "-1d", or "-3d" with validity 1 for an expired certificate
     */
    static Certificate generate(Path directory, String alias, String storeType, String dname, String storePassword,
                                String keyPassword, String startDate, int validityDays) throws Exception {
        Path store = directory.resolve(alias + (storeType.equals("JKS") ? ".jks" : ".p12"));
        List<String> command = new ArrayList<>(List.of(keytool(), "-genkeypair", "-keyalg", "EC",
                "-groupname", "secp256r1", "-alias", alias, "-dname", dname,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-startdate", startDate,
                "-validity", Integer.toString(validityDays), "-storetype", storeType,
                "-keystore", store.toString(), "-storepass", storePassword, "-keypass", keyPassword));
        run(command);
        KeyStore keyStore = KeyStore.getInstance(storeType);
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, storePassword.toCharArray());
        }
        X509Certificate x509 = (X509Certificate) keyStore.getCertificate(alias);
        PrivateKey key = (PrivateKey) keyStore.getKey(alias, keyPassword.toCharArray());
        return new Certificate(store, storeType, alias, storePassword, keyPassword, x509, key);
    }

    /** A PKCS12 trust store holding the given certificates, for server.ssl.trust-store. */
    static Path trustStore(Path directory, String name, Certificate... trusted) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        for (Certificate certificate : trusted) {
            store.setCertificateEntry(certificate.alias(), certificate.x509());
        }
        Path file = directory.resolve(name + ".p12");
        try (var out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    /** A client context that trusts {@code server} and presents {@code client}'s key (or none). */
    static SSLContext clientContext(Certificate server, Certificate client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", server.x509());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (client != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", client.key(), PASSWORD.toCharArray(),
                    new java.security.cert.Certificate[] {client.x509()});
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static String keytool() {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        return Files.isExecutable(keytool) ? keytool.toString() : "keytool";
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + command + "\n" + output);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
