package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.boot.TestCertificates.Certificate;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A PEM bundle with reload-on-update: rewriting its files changes the certificate new connections
 * see, while a keep-alive connection opened before goes on with the old one.
 */
class HttpsReloadTest {

    @TempDir
    Path dir;

    @Test
    void newConnectionsSeeTheNewCertificateAndOpenOnesKeepWorking() throws Exception {
        Path pems = Files.createDirectories(dir.resolve("pem"));
        Certificate first = TestCertificates.generate(dir, "first", "PKCS12", "CN=localhost",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        Certificate second = TestCertificates.generate(dir, "second", "PKCS12", "CN=localhost",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        Path cert = pems.resolve("cert.pem");
        Path key = pems.resolve("key.pem");
        first.writePemCertificate(cert);
        first.writePemPrivateKey(key);
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0", "--server.ssl.bundle=web",
                "--spring.ssl.bundle.pem.web.reload-on-update=true",
                "--spring.ssl.bundle.pem.web.keystore.certificate=file:" + cert,
                "--spring.ssl.bundle.pem.web.keystore.private-key=file:" + key,
                "--spring.ssl.bundle.watch.file.quiet-period=100ms")) {
            int port = HttpsTest.port(context);
            SSLContext trustsBoth = trusting(first, second);
            try (SSLSocket open = Https.connect(trustsBoth, port, "localhost")) {
                assertThat(Https.exchange(open, "/hello")).endsWith("hello");
                assertThat(serial(open)).isEqualTo(first.x509().getSerialNumber());

                // Written aside and moved in place, so the watcher never sees half a file.
                second.writePemCertificate(pems.resolve("cert.tmp"));
                second.writePemPrivateKey(pems.resolve("key.tmp"));
                Files.move(pems.resolve("key.tmp"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                Files.move(pems.resolve("cert.tmp"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

                BigInteger expected = second.x509().getSerialNumber();
                Http.await(() -> expected.equals(newConnectionSerial(trustsBoth, port)));
                assertThat(newConnectionSerial(trustsBoth, port)).isEqualTo(expected);

                assertThat(Https.exchange(open, "/hello")).as("the open connection keeps working").endsWith("hello");
                assertThat(serial(open)).isEqualTo(first.x509().getSerialNumber());
            }
        }
    }

    private static SSLContext trusting(Certificate a, Certificate b) throws Exception {
        Path store = TestCertificates.trustStore(Files.createTempDirectory("trust"), "both", a, b);
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            trust.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static BigInteger newConnectionSerial(SSLContext context, int port) {
        try (SSLSocket socket = Https.connect(context, port, "localhost")) {
            return serial(socket);
        } catch (Exception e) {
            return null;
        }
    }

    private static BigInteger serial(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
}
