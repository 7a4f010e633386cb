package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** server.compression.* and server.servlet.context-path. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "server.compression.enabled=true", "server.compression.min-response-size=1KB",
        "server.compression.excluded-user-agents=.*NoGzip.*", "server.servlet.context-path=/app"})
@Import(CompressionAndContextPathTest.VaryingController.class)
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

    /** Sets the Vary field it is given, then answers a large compressible body. */
    @RestController
    static class VaryingController {
        @GetMapping(value = "/big-varying", produces = "text/plain")
        String bigVarying(@RequestParam String vary, HttpServletResponse response) {
            response.setHeader("Vary", vary);
            return "minihttp compresses this line. ".repeat(200);
        }
    }

    @Test
    void everyCompressibleResponseVariesOnAcceptEncodingCompressedOrNot() throws Exception {
        assertThat(Http.get(port, "/app/big").headers().allValues("Vary"))
                .as("client did not ask for gzip").containsExactly("Accept-Encoding");
        assertThat(Http.get(port, "/app/hello", "Accept-Encoding", "gzip").headers().allValues("Vary"))
                .as("below server.compression.min-response-size").containsExactly("Accept-Encoding");
        assertThat(Http.get(port, "/app/big", "Accept-Encoding", "gzip", "User-Agent", "NoGzip/1.0")
                .headers().allValues("Vary")).as("excluded user agent").containsExactly("Accept-Encoding");
        HttpResponse<Void> head = Http.CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/app/big"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(head.headers().allValues("Vary")).as("HEAD carries what GET would").containsExactly("Accept-Encoding");

        assertThat(Http.getBytes(port, "/app/big.bin", "Accept-Encoding", "gzip").headers().allValues("Vary"))
                .as("a type that is never compressed does not vary").isEmpty();
    }

    @Test
    void appendsToTheApplicationsVaryInsteadOfAddingASecondField() throws Exception {
        HttpResponse<byte[]> gzipped = Http.getBytes(port, "/app/big-varying?vary=Origin", "Accept-Encoding", "gzip");
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzipped.headers().allValues("Vary")).containsExactly("Origin, Accept-Encoding");

        assertThat(Http.get(port, "/app/big-varying?vary=Origin").headers().allValues("Vary"))
                .containsExactly("Origin, Accept-Encoding");
        assertThat(Http.getBytes(port, "/app/big-varying?vary=origin,%20accept-encoding", "Accept-Encoding", "gzip")
                .headers().allValues("Vary")).as("already named, in another case").containsExactly("origin, accept-encoding");
        assertThat(Http.get(port, "/app/big-varying?vary=*").headers().allValues("Vary"))
                .as("* already covers it").containsExactly("*");
    }

    @Test
    void servesUnderTheContextPath() throws Exception {
        assertThat(Http.get(port, "/app/hello").body()).isEqualTo("hello");
        assertThat(Http.get(port, "/hello").statusCode()).isEqualTo(404);
    }
}
