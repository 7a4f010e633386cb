package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.servlet.springapp.SpringTestApp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An unmodified Spring MVC application inside the container, driven over real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@LeakChecked
class SpringMvcOnContainerTest {

    static Path uploads;
    static ServletTestServer server;

    @BeforeAll
    static void start() throws Exception {
        uploads = Files.createTempDirectory("minihttp-uploads");
        ServletContainer container = new ServletContainer();
        container.defaultErrorPage("/error");
        container.addInitializer((classes, context) -> SpringTestApp.register(context, uploads));
        // Few workers on purpose: open SSE streams must not hold them.
        server = new ServletTestServer(container,
                ServerOptions.builder().host("127.0.0.1").port(0).workerThreads(4).build());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        try (var files = Files.walk(uploads)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void jsonRoundTrip() throws Exception {
        HttpResponse<String> response = server.send(server.request("/api/echo")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"zoë\",\"count\":41,\"note\":null}")).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(response.body()).isEqualTo("{\"name\":\"ZOË\",\"count\":42,\"note\":\"échoed\"}");
    }

    @Test
    void pathVariablesAndQueryParameters() throws Exception {
        HttpResponse<String> response = server.get("/api/items/42?q=hello%20world&tag=a&tag=b");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"id\":42,\"q\":\"hello world\",\"tags\":[\"a\",\"b\"]}");
    }

    @Test
    void formPostWithUtf8Fields() throws Exception {
        String form = "name=" + URLEncoder.encode("Zoë Łukasz", StandardCharsets.UTF_8)
                + "&city=" + URLEncoder.encode("Zürich & Köln", StandardCharsets.UTF_8);
        // No charset in the content type, as browsers send it: the encoding filter says UTF-8.
        HttpResponse<String> response = server.send(server.request("/api/form")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Zoë Łukasz|Zürich & Köln");
    }

    @Test
    void multipartUploadOverTheInMemoryThreshold() throws Exception {
        byte[] file = new byte[200_000];
        new Random(7).nextBytes(file);
        String boundary = "----minihttpBoundary7MA4YWxkTrZu0gW";
        var body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy fïle\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"data.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = server.send(server.request("/api/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
        assertThat(response.statusCode()).isEqualTo(200);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
        assertThat(response.body()).isEqualTo("{\"title\":\"My fïle\",\"filename\":\"data.bin\",\"size\":200000,"
                + "\"contentType\":\"application/octet-stream\",\"sha256\":\"" + sha + "\"}");
    }

    @Test
    void multipartFileOverTheLimitIsRejected() throws Exception {
        String boundary = "XyZ";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nbig\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n\r\n"
                + "x".repeat(1024 * 1024 + 10) + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> response = server.send(server.request("/api/upload")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        // Spring turns the container's IllegalStateException into MaxUploadSizeExceededException: 413.
        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void exceptionHandledByExceptionHandler() throws Exception {
        HttpResponse<String> response = server.get("/api/handled");
        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.body()).isEqualTo("handled: bad input");
    }

    @Test
    void unhandledExceptionReachesTheErrorPage() throws Exception {
        HttpResponse<String> response = server.get("/api/boom");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("\"status\":500", "\"path\":\"/api/boom\"",
                "\"exception\":\"java.lang.IllegalStateException\"", "\"servlet\":\"dispatcher\"",
                "\"method\":\"GET\"", "\"dispatcher\":\"ERROR\"");
        assertThat(response.body()).doesNotContain("kaboom").doesNotContain("at dev.minihttp");
        assertThat(response.headers().allValues("X-Filters")).containsExactly("first:REQUEST", "second:REQUEST", "errors:ERROR");
    }

    @Test
    void unknownPathIsA404ThroughTheErrorPage() throws Exception {
        HttpResponse<String> response = server.get("/api/nothing-here");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("\"status\":404", "\"path\":\"/api/nothing-here\"");
    }

    @Test
    void filtersRunInOrderPerDispatcherType() throws Exception {
        HttpResponse<String> response = server.get("/api/items/1");
        assertThat(response.headers().allValues("X-Filters")).containsExactly("first:REQUEST", "second:REQUEST");
    }

    @Test
    void forwardSeesTheTargetPathAndTheOriginalInAttributes() throws Exception {
        HttpResponse<String> response = server.get("/api/forward?a=1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(
                "target dispatcher=FORWARD uri=/api/target extra=yes orig=/api/forward origQuery=a=1");
        assertThat(response.headers().allValues("X-Filters"))
                .containsExactly("first:REQUEST", "second:REQUEST", "first:FORWARD");
    }

    @Test
    void includeAddsToTheResponseButCannotChangeTheStatus() throws Exception {
        HttpResponse<String> response = server.get("/api/include");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("before|included uri=/api/included|after");
        assertThat(response.headers().allValues("X-Filters")).containsExactly("first:REQUEST", "second:REQUEST");
    }

    @Test
    void sessionKeptByCookieThenInvalidated() throws Exception {
        HttpResponse<String> put = server.get("/api/session/put?value=blue");
        assertThat(put.body()).isEqualTo("stored");
        String setCookie = put.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith("JSESSIONID=").contains("Path=/", "HttpOnly");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> get = server.send(server.request("/api/session/get").header("Cookie", cookie).build());
        assertThat(get.body()).isEqualTo("value=blue");
        assertThat(get.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> invalidate = server.send(server.request("/api/session/invalidate")
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(invalidate.body()).isEqualTo("invalidated");

        HttpResponse<String> after = server.send(server.request("/api/session/get").header("Cookie", cookie).build());
        assertThat(after.body()).isEqualTo("no session");
    }

    @Test
    void deferredResultCompletedFromAnotherThread() throws Exception {
        HttpResponse<String> response = server.get("/api/deferred");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("deferred done on test-completer");
    }

    @Test
    void callableRunsOnTheMvcExecutor() throws Exception {
        HttpResponse<String> response = server.get("/api/callable");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("callable done on mvc-async-");
    }

    @Test
    void streamingResponseBody() throws Exception {
        HttpResponse<String> response = server.get("/api/stream");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("line 0\nline 1\nline 2\nline 3\nline 4\n");
    }

    @Test
    void sseStreamsEventsWhileOtherRequestsAreServed() throws Exception {
        // More open streams than workers: each stream must give its worker back while it waits.
        int streams = 6;
        List<BufferedReader> readers = new ArrayList<>();
        List<HttpResponse<java.io.InputStream>> responses = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            HttpResponse<java.io.InputStream> response = server.client.send(server.request("/api/sse")
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            responses.add(response);
            BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
            readers.add(reader);
            assertThat(nextEvent(reader)).containsExactly("event:hello", "data:first");
        }
        // Other requests are served while the streams are open.
        assertThat(server.get("/api/items/7").statusCode()).isEqualTo(200);
        assertThat(server.get("/api/sse/open").body()).isEqualTo(Integer.toString(streams));

        assertThat(server.get("/api/sse/push?data=one").body()).isEqualTo("sent to " + streams);
        for (BufferedReader reader : readers) {
            assertThat(nextEvent(reader)).containsExactly("event:tick", "data:one");
        }
        assertThat(server.get("/api/sse/push?data=two").statusCode()).isEqualTo(200);
        for (BufferedReader reader : readers) {
            assertThat(nextEvent(reader)).containsExactly("event:tick", "data:two");
        }
        server.get("/api/sse/push?data=end");
        for (BufferedReader reader : readers) {
            assertThat(reader.readLine()).isNull(); // the stream ends
        }
    }

    private static List<String> nextEvent(BufferedReader reader) throws Exception {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null && !line.isEmpty()) {
            lines.add(line);
        }
        return lines;
    }

    @Test
    void staticResourceWithTheRightMimeType() throws Exception {
        HttpResponse<String> css = server.get("/static/app.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
        assertThat(css.body()).isEqualTo("body { color: teal; }\n");
        HttpResponse<String> js = server.get("/static/app.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
    }

    @Test
    void headHasTheHeadersOfGetAndNoBody() throws Exception {
        String response = server.raw("HEAD /api/items/5?q=x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").contains("Content-Type: application/json");
        assertThat(response.substring(response.indexOf("\r\n\r\n") + 4)).isEmpty();
    }

    @Test
    void optionsListsTheAllowedMethods() throws Exception {
        HttpResponse<String> response = server.send(server.request("/api/items/5")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(v -> assertThat(v).contains("GET", "HEAD"));
    }

    @Test
    void keepAliveConnectionServesSeveralRequests() throws Exception {
        String response = server.raw("GET /api/items/1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /api/items/2 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).contains("\"id\":1").contains("\"id\":2");
    }

    static Duration timeout() {
        return Duration.ofSeconds(10);
    }
}
