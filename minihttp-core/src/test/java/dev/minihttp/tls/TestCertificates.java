package dev.minihttp.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Real certificates for the TLS tests, made by the JDK's own {@code keytool} in a temp directory:
 * a self-signed EC key pair per name, in a PKCS12 key store. Each one also trusts itself, so a
 * client that trusts it and a server that presents it come from the same file.
 */
public final class TestCertificates {

    public static final char[] PASSWORD = "changeit".toCharArray();

    /** One key pair and its self-signed certificate. */
    public record Issued(Path keyStore, String alias, KeyStore store, X509Certificate certificate) {

        /** A server context presenting this certificate. */
        public SSLContext serverContext() {
            return context(store, null);
        }

        /** A client context trusting only this certificate. */
        public SSLContext clientContext() {
            return context(null, store);
        }

        /** A client context with this certificate as its own (for client auth), trusting {@code server}. */
        public SSLContext clientContextTrusting(Issued server) {
            return context(store, server.store);
        }

        /** A server context presenting this certificate and trusting {@code clients} (client auth). */
        public SSLContext serverContextTrusting(Issued clients) {
            return context(store, clients.store);
        }

        public BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    private TestCertificates() {
    }

    /** A self-signed certificate for {@code names} (the first is the CN; all are DNS SANs, plus 127.0.0.1). */
    public static Issued issue(Path directory, String alias, String... names) {
        try {
            Path store = directory.resolve(alias + "-" + System.nanoTime() + ".p12");
            StringBuilder san = new StringBuilder("SAN=ip:127.0.0.1");
            for (String name : names) {
                san.append(",dns:").append(name);
            }
            keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + names[0], "-ext", san.toString(), "-validity", "2",
                    "-keystore", store.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD));
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keyStore.load(in, PASSWORD);
            }
            return new Issued(store, alias, keyStore, (X509Certificate) keyStore.getCertificate(alias));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
    }

    private static SSLContext context(KeyStore keys, KeyStore trusted) {
        try {
            KeyManagerFactory keyManagers = null;
            if (keys != null) {
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, PASSWORD);
            }
            TrustManagerFactory trustManagers = null;
            if (trusted != null) {
                trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trustManagers.init(trusted);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(),
                    trustManagers == null ? null : trustManagers.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
