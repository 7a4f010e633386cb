package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 basics through real clients: keep-alive, pipelining, chunked both ways, HEAD, 100-continue. */
@LeakChecked
class HttpExchangeTest {

    private final Set<Long> connectionIds = ConcurrentHashMap.newKeySet();
    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start((request, response) -> {
            connectionIds.add(request.connectionId());
            switch (request.path()) {
                case "/echo" -> {
                    response.header("Content-Type", "application/octet-stream");
                    request.trailers().forEach((name, value) -> response.header("X-Trailer-" + name, value));
                    request.body().transferTo(response.body());
                }
                case "/big" -> {
                    // 100 KiB: larger than the response buffer, so the body goes out chunked.
                    byte[] line = "0123456789abcdef".repeat(64).getBytes(StandardCharsets.US_ASCII);
                    for (int i = 0; i < 100; i++) {
                        response.body().write(line);
                    }
                }
                case "/trailers" -> {
                    response.trailers(() -> new dev.minihttp.http.HttpHeaders().add("X-Checksum", "abc"));
                    response.body().write("part1".getBytes(StandardCharsets.US_ASCII));
                    response.body().flush();
                    response.body().write("part2".getBytes(StandardCharsets.US_ASCII));
                }
                case "/close" -> {
                    response.header("Connection", "close");
                    response.body().write("bye".getBytes(StandardCharsets.US_ASCII));
                }
                default -> {
                    response.header("Content-Type", "text/plain");
                    response.body().write(("hello " + request.method() + " " + request.path()
                            + (request.query() == null ? "" : "?" + request.query())).getBytes(StandardCharsets.UTF_8));
                }
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void jdkClientGetAndPostOnOneConnection() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(server.uri("/hi?x=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("hello GET /hi?x=1");
        assertThat(get.headers().firstValue("content-length")).hasValue("17");
        assertThat(get.headers().firstValue("date")).isPresent();
        assertThat(get.headers().firstValue("server")).isEmpty();

        byte[] payload = new byte[300_000];
        new java.util.Random(7).nextBytes(payload);
        HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(server.uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.body()).isEqualTo(payload);
        assertThat(connectionIds).hasSize(1);
    }

    @Test
    void apacheClientReusesTheConnection() throws Exception {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            for (int i = 0; i < 20; i++) {
                String body = client.execute(new HttpGet(server.uri("/n" + i)), r -> EntityUtils.toString(r.getEntity()));
                assertThat(body).isEqualTo("hello GET /n" + i);
            }
        }
        assertThat(connectionIds).hasSize(1);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawConnection connection = server.connect()) {
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                requests.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            requests.append("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            requests.append("GET /last HTTP/1.1\r\nHost: x\r\n\r\n");
            connection.send(requests.toString());
            for (int i = 0; i < 10; i++) {
                assertThat(connection.readResponse().text()).isEqualTo("hello GET /p" + i);
            }
            assertThat(connection.readResponse().text()).isEqualTo("hello");
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /last");
        }
    }

    @Test
    void pipelinedRequestsSplitAcrossWrites() throws Exception {
        try (RawConnection connection = server.connect()) {
            String two = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
            for (char c : two.toCharArray()) {
                connection.send(String.valueOf(c));
            }
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /a");
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /b");
        }
    }

    @Test
    void chunkedRequestWithTrailers() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n0\r\nX-Sum: 42\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).isEqualTo("hello world");
            assertThat(response.header("X-Trailer-X-Sum")).isEqualTo("42");
            assertThat(response.header("content-length")).isEqualTo("11");
        }
    }

    @Test
    void largeResponseIsChunkedAndComplete() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(response.body()).hasSize(100 * 1024);
            connection.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /after");
        }
    }

    @Test
    void chunkedResponseWithTrailers() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /trailers HTTP/1.1\r\nHost: x\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.text()).isEqualTo("part1part2");
            assertThat(response.header("trailer:x-checksum")).isEqualTo("abc");
        }
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\nGET /y HTTP/1.1\r\nHost: x\r\n\r\n");
            RawConnection.Response head = connection.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo("13"); // "hello HEAD /x"
            // If a body had been sent, this would read it as the next status line.
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /y");
        }
    }

    @Test
    void expectContinueGetsOneHundredThenTheResponse() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            assertThat(connection.readHead()).isEqualTo("HTTP/1.1 100 Continue");
            connection.send("ping");
            assertThat(connection.readResponse().text()).isEqualTo("ping");
        }
    }

    @Test
    void jdkClientWithExpectContinue() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.uri("/echo")).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("data")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("data");
    }

    @Test
    void clientConnectionCloseIsHonoured() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(connection.isClosedByServer()).isTrue();
        }
    }

    @Test
    void handlerConnectionCloseIsHonoured() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /close HTTP/1.1\r\nHost: x\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.text()).isEqualTo("bye");
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(connection.isClosedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveWasAsked() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /a HTTP/1.0\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.rawHead()).startsWith("HTTP/1.1 200 OK");
            assertThat(response.text()).isEqualTo("hello GET /a");
            assertThat(connection.isClosedByServer()).isTrue();
        }
        try (RawConnection connection = server.connect()) {
            connection.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(connection.readResponse().header("connection")).isEqualTo("keep-alive");
            connection.send("GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /b");
        }
    }

    @Test
    void http10GetsACloseDelimitedBodyWhenTheLengthIsUnknown() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /big HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.header("transfer-encoding")).isNull();
            assertThat(response.header("connection")).isEqualTo("close");
            assertThat(response.body()).hasSize(100 * 1024);
        }
    }

    @Test
    void absoluteFormTarget() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET http://example.com/abs?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("hello GET /abs?q=1");
        }
    }

    @Test
    void manyConcurrentClientsEachGetTheirOwnAnswer() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(client.sendAsync(HttpRequest.newBuilder(server.uri("/c" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).get().body()).isEqualTo("hello GET /c" + i);
        }
    }
}
