package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.Http2Options;
import dev.minihttp.server.ServerOptions;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Servlet API over HTTP/2 streams: the protocol it reports, trailers both ways, non-blocking
 * writes (WriteListener) and a flushed stream of events, through the JDK client (h2c) and nghttp.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@LeakChecked
class Http2ServletTest {

    static ServletTestServer server;
    static final HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            context.addServlet("protocol", new LambdaServlet((req, res) -> res.getWriter().print(
                    req.getProtocol() + " " + req.getMethod() + " " + req.getServerName() + ":" + req.getServerPort()
                            + " push=" + (req.newPushBuilder() != null))))
                    .addMapping("/protocol");

            context.addServlet("trailers", new LambdaServlet((req, res) -> {
                byte[] body = req.getInputStream().readAllBytes();
                String trailers = req.isTrailerFieldsReady() ? String.valueOf(req.getTrailerFields()) : "not ready";
                res.setTrailerFields(() -> Map.of("x-checksum", Integer.toString(body.length)));
                res.getWriter().print("body=" + body.length + " trailers=" + trailers);
            })).addMapping("/trailers");

            var writes = context.addServlet("writes", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                ServletOutputStream out = res.getOutputStream();
                byte[] piece = new byte[32 * 1024];
                java.util.Arrays.fill(piece, (byte) 'w');
                out.setWriteListener(new WriteListener() {
                    int written;

                    @Override
                    public void onWritePossible() throws IOException {
                        while (out.isReady() && written < 64) {
                            out.write(piece);
                            written++;
                        }
                        if (written == 64 && out.isReady()) {
                            async.complete();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        async.complete();
                    }
                });
            }));
            writes.addMapping("/writes");
            writes.setAsyncSupported(true);

            context.addServlet("events", new LambdaServlet((req, res) -> {
                res.setContentType("text/event-stream");
                var writer = res.getWriter();
                for (int i = 0; i < 20; i++) {
                    writer.print("data: event " + i + "\n\n");
                    writer.flush();
                }
            })).addMapping("/events");
        });
        server = new ServletTestServer(container, ServerOptions.builder().host("127.0.0.1").port(0).workerThreads(8)
                .http2(Http2Options.defaults()).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return h2.send(server.request(path).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void theServletApiReportsHttp2AndNoPush() throws Exception {
        HttpResponse<String> response = get("/protocol");
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).isEqualTo("HTTP/2.0 GET 127.0.0.1:" + server.server.port() + " push=false");
    }

    @Test
    void aWriteListenerStreamsTwoMegabytesWithinTheFlowControlWindows() throws Exception {
        HttpResponse<byte[]> response = h2.send(server.request("/writes").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.body()).hasSize(64 * 32 * 1024).containsOnly((byte) 'w');
    }

    @Test
    void flushedEventsArriveAsOneStream() throws Exception {
        HttpResponse<String> response = get("/events");
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(response.body()).startsWith("data: event 0\n\n").endsWith("data: event 19\n\n");
        assertThat(response.headers().firstValue("content-length")).isEmpty();
    }

    @Test
    void trailersBothWaysThroughNghttp() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/nghttp")), "nghttp (Debian nghttp2-client) is not installed");
        Path body = Files.writeString(dir.resolve("body.txt"), "twelve bytes");
        Process nghttp = new ProcessBuilder(List.of("/usr/bin/nghttp", "-v", "-d", body.toString(), "--trailer", "x-sent: yes",
                "http://127.0.0.1:" + server.server.port() + "/trailers")).redirectErrorStream(true).start();
        String output = new String(nghttp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(nghttp.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("body=12 trailers={x-sent=yes}");
        // the response trailers: a HEADERS frame after the DATA, ending the stream
        assertThat(output).containsPattern("recv HEADERS frame <length=\\d+, flags=0x05, stream_id=13>");
        assertThat(output).contains("x-checksum: 12");
    }
}
