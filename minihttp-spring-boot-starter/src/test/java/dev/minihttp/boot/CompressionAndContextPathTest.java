package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** server.compression.* and server.servlet.context-path. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.compression.enabled=true", "server.compression.min-response-size=1KB",
        "server.compression.excluded-user-agents=.*NoGzip.*", "server.servlet.context-path=/app"})
class CompressionAndContextPathTest {

    @LocalServerPort
    int port;

    @Test
    void gzipsLargeTextForClientsThatAcceptIt() throws Exception {
        HttpResponse<byte[]> response = Http.getBytes(port, "/app/big", "Accept-Encoding", "gzip");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(response.headers().firstValue("Vary")).hasValueSatisfying(v -> assertThat(v).contains("Accept-Encoding"));
        byte[] plain = new GZIPInputStream(new ByteArrayInputStream(response.body())).readAllBytes();
        assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo("minihttp compresses this line. ".repeat(200));
        assertThat(response.body().length).isLessThan(plain.length);
    }

    @Test
    void leavesSmallBodiesExcludedAgentsAndOtherClientsAlone() throws Exception {
        HttpResponse<String> small = Http.get(port, "/app/hello", "Accept-Encoding", "gzip");
        assertThat(small.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(small.body()).isEqualTo("hello");

        HttpResponse<String> noGzip = Http.get(port, "/app/big");
        assertThat(noGzip.headers().firstValue("Content-Encoding")).isEmpty();

        HttpResponse<byte[]> binary = Http.getBytes(port, "/app/big.bin", "Accept-Encoding", "gzip");
        assertThat(binary.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(binary.headers().firstValue("Content-Encoding")).as("not in server.compression.mime-types").isEmpty();
        assertThat(new String(binary.body(), StandardCharsets.UTF_8)).startsWith("not a compressible media type.");

        HttpResponse<String> excluded = Http.get(port, "/app/big", "Accept-Encoding", "gzip", "User-Agent", "NoGzip/1.0");
        assertThat(excluded.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(excluded.body()).startsWith("minihttp compresses");
    }

    @Test
    void servesUnderTheContextPath() throws Exception {
        assertThat(Http.get(port, "/app/hello").body()).isEqualTo("hello");
        assertThat(Http.get(port, "/hello").statusCode()).isEqualTo(404);
    }
}
