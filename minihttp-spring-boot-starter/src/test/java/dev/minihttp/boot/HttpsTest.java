package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.minihttp.boot.TestCertificates.Certificate;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Boot applications configured with server.ssl.* served over TLS, seen by three different clients. */
class HttpsTest {

    @TempDir
    Path dir;

    static ConfigurableApplicationContext run(String... args) {
        return new SpringApplication(TestApp.class).run(args);
    }

    static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    @Test
    void pkcs12KeyStoreServesHttpsAndTheServletApiSaysSo() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword(),
                "--server.ssl.key-store-type=PKCS12")) {
            int port = port(context);
            HttpResponse<String> response = Https.get(server.trustingContext(), port, "/tls");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Server")).as("no Server header by default").isEmpty();
            String cipher = response.sslSession().orElseThrow().getCipherSuite();
            assertThat(response.body())
                    .contains("\"scheme\":\"https\"").contains("\"secure\":true")
                    .contains("\"url\":\"https://localhost:" + port + "/tls\"")
                    .contains("\"cipherSuite\":\"" + cipher + "\"")
                    .contains("\"keySize\":" + (cipher.contains("AES_128") ? 128 : 256))
                    .containsPattern("\"sessionId\":\"[0-9a-f]{2,}\"")
                    .contains("\"client\":\"none\"")
                    .contains("\"attributeNames\":[\"jakarta.servlet.request.cipher_suite\","
                            + "\"jakarta.servlet.request.key_size\",\"jakarta.servlet.request.ssl_session_id\"]");
            assertThat(Https.get(server.trustingContext(), port, "/hello").body()).isEqualTo("hello");
        }
    }

    /** Without a port in Host the default port of https is 443, in getServerPort and getRequestURL. */
    @Test
    void hostWithoutPortMeans443OverTls() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword());
             SSLSocket socket = Https.connect(server.trustingContext(), port(context), "localhost")) {
            String response = Https.exchange(socket, "/tls");
            assertThat(response).startsWith("HTTP/1.1 200").contains("\"serverPort\":443")
                    .contains("\"url\":\"https://localhost/tls\"");
        }
    }

    @Test
    void jksKeyStoreWithAnAliasAndAKeyPasswordOfItsOwn() throws Exception {
        Certificate other = TestCertificates.generate(dir, "other", "JKS", "CN=other", "storepass", "keypass", "-1d", 3);
        // Two entries in one store: the alias picks the second.
        Certificate chosen = TestCertificates.generate(dir, "chosen", "JKS", "CN=chosen", "storepass", "keypass", "-1d", 3);
        Path store = chosen.keyStore();
        Files.copy(other.keyStore(), dir.resolve("both.jks"));
        importEntry(store, dir.resolve("both.jks"));
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=file:" + dir.resolve("both.jks"), "--server.ssl.key-store-type=JKS",
                "--server.ssl.key-store-password=storepass", "--server.ssl.key-password=keypass",
                "--server.ssl.key-alias=chosen")) {
            HttpResponse<String> response = Https.get(chosen.trustingContext(), port(context), "/hello");
            assertThat(response.body()).isEqualTo("hello");
            X509Certificate presented = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
            assertThat(presented.getSubjectX500Principal().getName()).isEqualTo("CN=chosen");
        }
    }

    @Test
    void pemCertificateAndPrivateKeyWithApacheHttpClient() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.certificate=file:" + server.certificatePem(dir),
                "--server.ssl.certificate-private-key=file:" + server.privateKeyPem(dir));
             CloseableHttpClient apache = HttpClients.custom()
                     .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                             .setTlsSocketStrategy(new DefaultClientTlsStrategy(server.trustingContext())).build())
                     .build()) {
            String body = apache.execute(new HttpGet("https://localhost:" + port(context) + "/tls"),
                    response -> response.getCode() + " " + EntityUtils.toString(response.getEntity()));
            assertThat(body).startsWith("200 ").contains("\"scheme\":\"https\"").contains("\"secure\":true");
        }
    }

    @Test
    void curlWithTheCertificateAsCa() throws Exception {
        Path curl = Path.of("/usr/bin/curl");
        assumeThat(Files.isExecutable(curl)).as("curl is installed").isTrue();
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword())) {
            Process process = new ProcessBuilder(curl.toString(), "-sS", "--cacert", server.certificatePem(dir).toString(),
                    "https://localhost:" + port(context) + "/hello").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(output).isEqualTo("hello");
        }
    }

    @Test
    void jksBundleNamedByServerSslBundle() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = run("--server.port=0", "--server.ssl.bundle=web",
                "--spring.ssl.bundle.jks.web.keystore.location=" + server.location(),
                "--spring.ssl.bundle.jks.web.keystore.password=" + server.storePassword(),
                "--spring.ssl.bundle.jks.web.keystore.type=PKCS12",
                "--spring.ssl.bundle.jks.web.options.enabled-protocols=TLSv1.2")) {
            HttpResponse<String> response = Https.get(server.trustingContext(), port(context), "/hello");
            assertThat(response.body()).isEqualTo("hello");
            assertThat(response.sslSession().orElseThrow().getProtocol()).as("the bundle's options apply")
                    .isEqualTo("TLSv1.2");
        }
    }

    @Test
    void serverNameBundlesPresentOneCertificatePerSniName() throws Exception {
        Certificate fallback = TestCertificates.generate(dir, "fallback", "PKCS12", "CN=fallback",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        Certificate alpha = TestCertificates.generate(dir, "alpha", "PKCS12", "CN=alpha.test",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        Certificate beta = TestCertificates.generate(dir, "beta", "PKCS12", "CN=beta.test",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.bundle=fallback",
                "--spring.ssl.bundle.pem.fallback.keystore.certificate=file:" + fallback.certificatePem(dir),
                "--spring.ssl.bundle.pem.fallback.keystore.private-key=file:" + fallback.privateKeyPem(dir),
                "--spring.ssl.bundle.pem.alpha.keystore.certificate=file:" + alpha.certificatePem(dir),
                "--spring.ssl.bundle.pem.alpha.keystore.private-key=file:" + alpha.privateKeyPem(dir),
                "--spring.ssl.bundle.jks.beta.keystore.location=" + beta.location(),
                "--spring.ssl.bundle.jks.beta.keystore.password=" + beta.storePassword(),
                "--spring.ssl.bundle.jks.beta.options.enabled-protocols=TLSv1.2",
                "--server.ssl.server-name-bundles[0].server-name=alpha.test",
                "--server.ssl.server-name-bundles[0].bundle=alpha",
                "--server.ssl.server-name-bundles[1].server-name=beta.test",
                "--server.ssl.server-name-bundles[1].bundle=beta")) {
            int port = port(context);
            assertThat(presented(alpha, port, "alpha.test")).isEqualTo("CN=alpha.test");
            assertThat(presented(beta, port, "beta.test")).isEqualTo("CN=beta.test");
            assertThat(presented(fallback, port, "other.test")).isEqualTo("CN=fallback");
            assertThat(presented(fallback, port, null)).isEqualTo("CN=fallback");
            try (SSLSocket socket = Https.connect(alpha.trustingContext(), port, "alpha.test")) {
                assertThat(Https.exchange(socket, "/hello")).startsWith("HTTP/1.1 200").endsWith("hello");
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
            }
            // The beta bundle's own options.enabled-protocols apply to its server name only, as on Tomcat.
            try (SSLSocket socket = Https.connect(beta.trustingContext(), port, "beta.test")) {
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            }
        }
    }

    private static String presented(Certificate expected, int port, String serverName) throws IOException, Exception {
        try (SSLSocket socket = Https.connect(expected.trustingContext(), port, serverName)) {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    @Test
    void clientAuthNeedRefusesAClientWithoutCertificateAndShowsTheChainOtherwise() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        Certificate client = TestCertificates.generate(dir, "client", "PKCS12", "CN=client one",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        Path trust = TestCertificates.trustStore(dir, "clients", client);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword(),
                "--server.ssl.trust-store=file:" + trust, "--server.ssl.trust-store-password=" + TestCertificates.PASSWORD,
                "--server.ssl.client-auth=need")) {
            int port = port(context);
            assertThat(Https.get(TestCertificates.clientContext(server, client), port, "/tls").body())
                    .contains("\"client\":\"CN=client one\"")
                    .contains("\"jakarta.servlet.request.X509Certificate\"");
            assertThatThrownBy(() -> Https.get(server.trustingContext(), port, "/tls"))
                    .as("no client certificate").isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientAuthWantServesBothAndSetsTheAttributeOnlyWithACertificate() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        Certificate client = TestCertificates.generate(dir, "client", "PKCS12", "CN=client two",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-1d", 3);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword(),
                "--server.ssl.trust-certificate=file:" + client.certificatePem(dir),
                "--server.ssl.client-auth=want")) {
            int port = port(context);
            assertThat(Https.get(TestCertificates.clientContext(server, client), port, "/tls").body())
                    .contains("\"client\":\"CN=client two\"");
            assertThat(Https.get(server.trustingContext(), port, "/tls").body())
                    .contains("\"client\":\"none\"").doesNotContain("X509Certificate");
        }
    }

    /**
     * server.servlet.session.tracking-modes=ssl is accepted over TLS: the session id is the server's
     * TLS session id (as ssl_session_id reports it), no cookie is sent, and another TLS session is
     * another HTTP session. (Under TLS 1.3 the client's SSLSession has an id of its own.)
     */
    @Test
    void sslSessionTrackingUsesTheTlsSessionId() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword(),
                "--server.servlet.session.tracking-modes=ssl")) {
            String first;
            try (SSLSocket socket = Https.connect(server.trustingContext(), port(context), "localhost")) {
                first = Https.exchange(socket, "/tls/session");
                String again = Https.exchange(socket, "/tls/session");
                String view = Https.exchange(socket, "/tls");
                assertThat(first).doesNotContain("Set-Cookie");
                String id = first.substring(first.indexOf("\r\n\r\n") + 4);
                assertThat(id).matches("[0-9a-f]+");
                assertThat(again).endsWith("\r\n\r\n" + id);
                assertThat(view).contains("\"sessionId\":\"" + id + "\"");
            }
            try (SSLSocket other = Https.connect(server.trustingContext(), port(context), "localhost")) {
                assertThat(Https.exchange(other, "/tls/session")).isNotEqualTo(first)
                        .doesNotEndWith(first.substring(first.indexOf("\r\n\r\n")));
            }
        }
    }

    private static void importEntry(Path from, Path into) throws Exception {
        java.security.KeyStore source = java.security.KeyStore.getInstance("JKS");
        try (var in = Files.newInputStream(from)) {
            source.load(in, "storepass".toCharArray());
        }
        java.security.KeyStore target = java.security.KeyStore.getInstance("JKS");
        try (var in = Files.newInputStream(into)) {
            target.load(in, "storepass".toCharArray());
        }
        target.setEntry("chosen", source.getEntry("chosen",
                new java.security.KeyStore.PasswordProtection("keypass".toCharArray())),
                new java.security.KeyStore.PasswordProtection("keypass".toCharArray()));
        try (var out = Files.newOutputStream(into)) {
            target.store(out, "storepass".toCharArray());
        }
    }
}
