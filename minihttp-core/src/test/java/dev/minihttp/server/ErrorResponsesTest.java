package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The responses the server writes itself, one per status, in the one format ErrorResponse gives
 * them: {@code <reason phrase>: <short reason>} on one line, text/plain UTF-8, Connection: close.
 */
@LeakChecked
class ErrorResponsesTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<RunningServer> servers = new ArrayList<>();

    @TempDir
    Path tempRoot;

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(RunningServer::close);
    }

    private RunningServer start(ServerOptions.Builder options) {
        RunningServer server = RunningServer.start(options, (request, response) -> {
            request.body().readAllBytes();
            if (request.path().equals("/block")) {
                release.await(30, TimeUnit.SECONDS);
            }
            response.body().write("ok".getBytes(StandardCharsets.US_ASCII));
        });
        servers.add(server);
        return server;
    }

    private static RawConnection.Response refusal(RunningServer server, String request) throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send(request);
            RawConnection.Response response = connection.readResponse();
            assertThat(connection.isClosedByServer()).as("closed after the refusal").isTrue();
            return response;
        }
    }

    private static void assertErrorResponse(RawConnection.Response response, int status, String line) {
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.text()).isEqualTo(line + "\n");
        assertThat(response.header("Content-Type")).isEqualTo("text/plain;charset=UTF-8");
        assertThat(response.header("Content-Length")).isEqualTo(Integer.toString(response.body().length));
        assertThat(response.header("Connection")).isEqualTo("close");
    }

    @Test
    void badRequestSaysWhatWasWrong() throws Exception {
        RunningServer server = start(ServerOptions.builder());
        assertErrorResponse(refusal(server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n"),
                400, "Bad Request: Invalid Content-Length");
        assertErrorResponse(refusal(server, "GET / HTTP/1.1\r\n\r\n"), 400, "Bad Request: Missing Host");
    }

    @Test
    void requestTimeout() throws Exception {
        RunningServer server = start(ServerOptions.builder().requestHeadTimeout(Duration.ofMillis(300)));
        assertErrorResponse(refusal(server, "GET / HTTP/1.1\r\nHost: x\r\n"),
                408, "Request Timeout: Request head not received in time");
    }

    @Test
    void contentTooLargeUpFrontAndWhileChunksArrive() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestBodySize(100));
        assertErrorResponse(refusal(server, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 101\r\n\r\n"),
                413, "Content Too Large: Request body larger than the limit");
        assertErrorResponse(refusal(server, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "65\r\n" + "a".repeat(101) + "\r\n0\r\n\r\n"),
                413, "Content Too Large: Request body larger than the limit");
    }

    @Test
    void uriTooLongAndHeaderFieldsTooLarge() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestHeadSize(1024).maxHeaderCount(5));
        assertErrorResponse(refusal(server, "GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                414, "URI Too Long: Request line longer than the limit");
        assertErrorResponse(refusal(server, "GET / HTTP/1.1\r\nHost: x\r\nX-Filler: " + "a".repeat(2000) + "\r\n\r\n"),
                431, "Request Header Fields Too Large: Header section larger than the limit");
        assertErrorResponse(refusal(server, "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\n\r\n"),
                431, "Request Header Fields Too Large: Too many header fields");
    }

    @Test
    void serviceUnavailableWhenThePoolAndQueueAreFull() throws Exception {
        RunningServer server = start(ServerOptions.builder().workerThreads(1).queueCapacity(1).retryAfterSeconds(3));
        try (RawConnection running = server.connect(); RawConnection queued = server.connect()) {
            running.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
            Eventually.awaitStats(server, "the first request to run", s -> s.busyThreads() == 1);
            queued.send("GET /block HTTP/1.1\r\nHost: x\r\n\r\n");
            Eventually.awaitStats(server, "the second request to queue", s -> s.queueSize() == 1);

            RawConnection.Response rejected = refusal(server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertErrorResponse(rejected, 503, "Service Unavailable: Server busy, try again later");
            assertThat(rejected.header("Retry-After")).isEqualTo("3");
            release.countDown();
        }
    }

    @Test
    void internalServerErrorWhenTheBodyCannotBeStored() throws Exception {
        Path spool = tempRoot.resolve("spool");
        RunningServer server = start(ServerOptions.builder().bodyBufferThreshold(1024).tempDirectory(spool));
        Files.delete(spool); // created by start(); gone now, so spooling fails
        try (RawConnection connection = server.connect()) {
            connection.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n");
            connection.send(new byte[4096]);
            assertErrorResponse(connection.readResponse(), 500, "Internal Server Error: Could not store the request body");
        }
    }
}
