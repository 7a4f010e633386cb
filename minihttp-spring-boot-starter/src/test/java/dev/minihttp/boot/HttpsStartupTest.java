package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.boot.TestCertificates.Certificate;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** server.ssl mistakes at startup, the TLS listener's log line, its metrics and its endpoint view. */
@ExtendWith(OutputCaptureExtension.class)
class HttpsStartupTest {

    @TempDir
    Path dir;

    @Test
    void aMissingAliasFailsWithBootsMessage() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        assertThatThrownBy(() -> HttpsTest.run("--server.port=0", "--server.ssl.key-store=" + server.location(),
                "--server.ssl.key-store-password=" + server.storePassword(), "--server.ssl.key-alias=nope"))
                .hasStackTraceContaining("Keystore does not contain alias 'nope'")
                .hasStackTraceContaining("server.ssl.key-store=" + server.location());
    }

    @Test
    void aWrongPasswordFailsNamingTheKeyStoreProperty() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        assertThatThrownBy(() -> HttpsTest.run("--server.port=0", "--server.ssl.key-store=" + server.location(),
                "--server.ssl.key-store-password=wrong"))
                .hasStackTraceContaining("Could not load the TLS key material of server.ssl.key-store=" + server.location());
    }

    @Test
    void anUnreadableFileFailsNamingTheProperty() {
        assertThatThrownBy(() -> HttpsTest.run("--server.port=0", "--server.ssl.certificate=file:" + dir.resolve("none.pem"),
                "--server.ssl.certificate-private-key=file:" + dir.resolve("none-key.pem")))
                .hasStackTraceContaining("server.ssl.certificate=file:" + dir.resolve("none.pem"));
    }

    @Test
    void anExpiredCertificateIsAWarningNotAFailure(CapturedOutput output) throws Exception {
        Certificate expired = TestCertificates.generate(dir, "old", "PKCS12", "CN=localhost",
                TestCertificates.PASSWORD, TestCertificates.PASSWORD, "-3d", 1);
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0",
                "--server.ssl.key-store=" + expired.location(), "--server.ssl.key-store-password=" + expired.storePassword())) {
            assertThat(HttpsTest.port(context)).isPositive();
            assertThat(output.getOut()).contains("WARN").contains("(alias 'old'")
                    .contains("expired on " + expired.x509().getNotAfter().toInstant());
        }
    }

    @Test
    void logLineMetricsAndEndpointForTheTlsListener(CapturedOutput output) throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword(),
                "--server.ssl.enabled-protocols=TLSv1.3",
                "--management.endpoints.web.exposure.include=metrics,minihttp")) {
            int port = HttpsTest.port(context);
            assertThat(output.getOut()).contains("minihttp started on port " + port + " (https) with context path '/'");
            // One keep-alive connection for every read below: one successful handshake.
            java.net.http.HttpClient client = Https.client(server.trustingContext());
            assertThat(Https.get(client, port, "/hello").body()).isEqualTo("hello");

            // A TLS 1.2-only client when server.ssl.enabled-protocols says TLSv1.3: refused in the handshake.
            try (SSLSocket old = (SSLSocket) server.trustingContext().getSocketFactory().createSocket("127.0.0.1", port)) {
                SSLParameters parameters = old.getSSLParameters();
                parameters.setProtocols(new String[] {"TLSv1.2"});
                old.setSSLParameters(parameters);
                old.setSoTimeout(20_000);
                assertThatThrownBy(old::startHandshake).isInstanceOf(java.io.IOException.class);
            }
            // Plain HTTP to the TLS port: a cleartext 400.
            try (Socket plain = new Socket("127.0.0.1", port)) {
                plain.setSoTimeout(20_000);
                plain.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                        .startsWith("HTTP/1.1 400");
            }
            Http.await(() -> metric(client, port, "outcome:failure&tag=reason:cleartext_http").contains("\"value\":1.0"));
            assertThat(metric(client, port, "outcome:success")).contains("\"value\":").doesNotContain("\"value\":0.0");
            assertThat(metric(client, port, "outcome:failure&tag=reason:cleartext_http")).contains("\"value\":1.0");
            // The version mismatch's reason is the engine's call (it says "other" for the JDK's "client
            // supported protocol versions ... are not accepted" today); both failures are counted.
            assertThat(metric(client, port, "outcome:failure")).contains("\"value\":2.0");

            String endpoint = Https.get(client, port, "/actuator/minihttp").body();
            assertThat(endpoint).contains("\"listeners\":[{\"name\":\"main\",\"port\":" + port + ",\"scheme\":\"https\"}]")
                    .contains("\"cleartext_http\":1").contains("\"success\":");
        }
    }

    /** The metrics endpoint's view of minihttp.tls.handshakes for the given tags . */
    private static String metric(java.net.http.HttpClient client, int port, String tags) {
        try {
            return Https.get(client, port, "/actuator/metrics/minihttp.tls.handshakes?tag=" + tags).body();
        } catch (Exception e) {
            return e.toString();
        }
    }
}
