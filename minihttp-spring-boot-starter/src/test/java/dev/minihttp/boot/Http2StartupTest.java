package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.boot.TestCertificates.Certificate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code server.http2.enabled}, as Boot's contract has it for Tomcat and Jetty: h2 by ALPN with
 * {@code server.ssl}, h2c (prior knowledge and Upgrade) without; HTTP/1.1 still served; the
 * {@code minihttp.http2.*} limits bound and checked; the meters and the endpoint.
 */
class Http2StartupTest {

    @TempDir
    Path dir;

    @Test
    void h2OverTlsByAlpnWithHttp11StillServed() throws Exception {
        Certificate server = TestCertificates.pkcs12(dir);
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0",
                "--server.ssl.key-store=" + server.location(), "--server.ssl.key-store-password=" + server.storePassword(),
                "--server.http2.enabled=true", "--management.endpoints.web.exposure.include=metrics,minihttp")) {
            int port = HttpsTest.port(context);
            HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(server.trustingContext())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = Https.get(h2, port, "/protocol");
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).isEqualTo("HTTP/2.0 https true localhost");
            HttpResponse<String> metric = Https.get(h2, port, "/actuator/metrics/minihttp.http2.connections");
            assertThat(metric.body()).contains("\"value\":1.0");
            HttpResponse<String> endpoint = Https.get(h2, port, "/actuator/minihttp");
            assertThat(endpoint.body()).contains("\"http2\":{\"maxConcurrentStreams\":100");

            HttpResponse<String> http11 = Https.get(server.trustingContext(), port, "/protocol");
            assertThat(http11.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(http11.body()).isEqualTo("HTTP/1.1 https true localhost");
        }
    }

    @Test
    void h2cByUpgradeAndByPriorKnowledgeOnACleartextPort() throws Exception {
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0", "--server.http2.enabled=true",
                "--minihttp.http2.max-concurrent-streams=7")) {
            int port = HttpsTest.port(context);
            HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> upgraded = h2c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/protocol"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(upgraded.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(upgraded.body()).isEqualTo("HTTP/2.0 http false 127.0.0.1");
            assertThat(((MiniHttpWebServer) ((org.springframework.boot.web.server.context.WebServerApplicationContext) context)
                    .getWebServer()).options().http2().maxConcurrentStreams()).isEqualTo(7);
            if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
                Process curl = new ProcessBuilder(List.of("/usr/bin/curl", "-sS", "--http2-prior-knowledge",
                        "-w", " %{http_version}", "http://127.0.0.1:" + port + "/protocol")).redirectErrorStream(true).start();
                assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("HTTP/2.0 http false 127.0.0.1 2");
            }
        }
    }

    @Test
    void serverMaxHttpRequestHeaderSizeBoundsHttp2HeaderListsToo() throws Exception {
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0", "--server.http2.enabled=true",
                "--server.max-http-request-header-size=4KB")) {
            int port = HttpsTest.port(context);
            HttpClient h2c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            URI uri = URI.create("http://127.0.0.1:" + port + "/protocol");
            // the first request upgrades the connection; the next ones are streams
            assertThat(h2c.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).version())
                    .isEqualTo(HttpClient.Version.HTTP_2);
            HttpResponse<String> large = h2c.send(HttpRequest.newBuilder(uri).header("X-Large", "v".repeat(5000)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(large.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(large.statusCode()).isEqualTo(431);
            HttpResponse<String> after = h2c.send(HttpRequest.newBuilder(uri).header("X-Small", "v".repeat(1000)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).as("the connection goes on").isEqualTo(200);
        }
    }

    @Test
    void aBadHttp2LimitFailsStartupNamingTheProperty() {
        assertThatThrownBy(() -> HttpsTest.run("--server.port=0", "--server.http2.enabled=true",
                "--minihttp.http2.max-concurrent-streams=0"))
                .hasStackTraceContaining("minihttp.http2.max-concurrent-streams must be at least 1, was 0");
    }
}
