package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.tls.TestCertificates;
import dev.minihttp.tls.TestCertificates.Issued;
import dev.minihttp.tls.TlsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 through the JDK's own client: h2 over TLS (ALPN) and h2c (the client's Upgrade), many
 * streams on one connection, bodies both ways, and what the engine reports.
 */
class Http2Test {

    @TempDir
    static Path certificates;
    static Issued main;

    @BeforeAll
    static void issue() {
        main = TestCertificates.issue(certificates, "main", "localhost");
    }

    /** Echoes what a test needs to see: protocol, method, path, body digest, a header. */
    static final Handler ECHO = (request, response) -> {
        byte[] body = request.body().readAllBytes();
        if (request.path().startsWith("/big/")) {
            int size = Integer.parseInt(request.path().substring(5));
            byte[] big = new byte[size];
            new Random(size).nextBytes(big);
            response.header("Content-Type", "application/octet-stream");
            response.body().write(big);
            return;
        }
        String text = request.version().text() + " " + request.method() + " " + request.path()
                + " body=" + body.length + " sha=" + sha(body) + " host=" + request.header("host")
                + " x=" + request.header("x-test");
        response.header("Content-Type", "text/plain");
        response.header("Connection", "keep-alive"); // an HTTP/1.1-only field: dropped on HTTP/2
        response.body().write(text.getBytes(StandardCharsets.UTF_8));
    };

    static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static ServerOptions.Builder http2(ServerOptions.Builder options) {
        return options.workerThreads(8).http2(Http2Options.defaults());
    }

    @Test
    void jdkClientSpeaksH2OverTlsWithAlpn() throws Exception {
        try (RunningServer server = RunningServer.start(http2(ServerOptions.builder().tls(TlsOptions.of(main.serverContext()))), ECHO)) {
            HttpClient client = HttpClient.newBuilder().sslContext(main.clientContext()).version(HttpClient.Version.HTTP_2).build();
            URI base = URI.create("https://localhost:" + server.port());
            HttpResponse<String> get = client.send(HttpRequest.newBuilder(base.resolve("/hello?q=1")).header("X-Test", "yes").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo("HTTP/2.0 GET /hello body=0 sha=" + sha(new byte[0])
                    + " host=localhost:" + server.port() + " x=yes");
            assertThat(get.headers().firstValue("connection")).isEmpty();
            assertThat(get.headers().firstValue("content-length")).hasValue(Integer.toString(get.body().length()));

            byte[] upload = new byte[3_000_000];
            new Random(1).nextBytes(upload);
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/up"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(upload)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.body()).startsWith("HTTP/2.0 POST /up body=3000000 sha=" + sha(upload));

            HttpResponse<byte[]> big = client.send(HttpRequest.newBuilder(base.resolve("/big/5000000")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            byte[] expected = new byte[5_000_000];
            new Random(5_000_000).nextBytes(expected);
            assertThat(big.body()).isEqualTo(expected);

            ServerStats.Http2Stats stats = server.stats().http2();
            assertThat(stats.connections()).isEqualTo(1);
            assertThat(server.stats().requests()).isEqualTo(3);
        }
    }

    @Test
    void manyConcurrentStreamsOnOneConnectionAllArriveWhole() throws Exception {
        try (RunningServer server = RunningServer.start(http2(ServerOptions.builder().tls(TlsOptions.of(main.serverContext()))), ECHO)) {
            HttpClient client = HttpClient.newBuilder().sslContext(main.clientContext()).version(HttpClient.Version.HTTP_2).build();
            URI base = URI.create("https://localhost:" + server.port());
            client.send(HttpRequest.newBuilder(base.resolve("/warm")).build(), HttpResponse.BodyHandlers.ofString());
            List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                responses.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/big/" + (100_000 + i))).build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (int i = 0; i < responses.size(); i++) {
                HttpResponse<byte[]> response = responses.get(i).get();
                byte[] expected = new byte[100_000 + i];
                new Random(100_000 + i).nextBytes(expected);
                assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
                assertThat(response.body()).isEqualTo(expected);
            }
            assertThat(server.stats().http2().connections()).isEqualTo(1);
            Eventually.awaitStats(server, "no stream open", s -> s.http2().activeStreams() == 0);
        }
    }

    @Test
    void jdkClientUpgradesACleartextConnectionToH2c() throws Exception {
        try (RunningServer server = RunningServer.start(http2(ServerOptions.builder()), ECHO)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> first = client.send(HttpRequest.newBuilder(server.uri("/first")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(first.body()).startsWith("HTTP/2.0 GET /first body=0");
            HttpResponse<String> second = client.send(HttpRequest.newBuilder(server.uri("/second"))
                    .POST(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(second.body()).startsWith("HTTP/2.0 POST /second body=5 sha=" + sha("hello".getBytes(StandardCharsets.UTF_8)));
            assertThat(server.stats().http2().connections()).isEqualTo(1);
        }
    }

    @Test
    void http11KeepsWorkingOnTheSamePorts() throws Exception {
        try (RunningServer plain = RunningServer.start(http2(ServerOptions.builder()), ECHO);
             RunningServer tls = RunningServer.start(http2(ServerOptions.builder().tls(TlsOptions.of(main.serverContext()))), ECHO)) {
            HttpClient http11 = HttpClient.newBuilder().sslContext(main.clientContext()).version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> clear = http11.send(HttpRequest.newBuilder(plain.uri("/one")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(clear.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(clear.body()).startsWith("HTTP/1.1 GET /one");
            HttpResponse<String> secure = http11.send(HttpRequest.newBuilder(URI.create("https://localhost:" + tls.port() + "/two")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(secure.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(secure.body()).startsWith("HTTP/1.1 GET /two");
            assertThat(plain.stats().http2().connections()).isZero();
        }
    }

    @Test
    void aClientThatAnswersPingsKeepsAStreamWaitingLongerThanTheIdleTimeout() throws Exception {
        Handler slow = (request, response) -> {
            Thread.sleep(3_500); // several idle timeouts: the server PINGs, the JDK client answers
            response.body().write("patience".getBytes(StandardCharsets.UTF_8));
        };
        try (RunningServer server = RunningServer.start(http2(ServerOptions.builder().tls(TlsOptions.of(main.serverContext())))
                .idleTimeout(java.time.Duration.ofSeconds(1)).writeTimeout(java.time.Duration.ofSeconds(1)), slow)) {
            HttpClient client = HttpClient.newBuilder().sslContext(main.clientContext()).version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/wait")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(response.body()).isEqualTo("patience");
            assertThat(server.stats().http2().goAways()).doesNotContainKey("ping_timeout");
        }
    }
}
