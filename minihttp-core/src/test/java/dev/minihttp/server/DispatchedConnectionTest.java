package dev.minihttp.server;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While a request runs, the I/O thread keeps reading its connection: a reset is noticed at once
 * (the connection slot is freed before the handler ends), and pipelined bytes wait, bounded,
 * for their turn.
 */
@LeakChecked
class DispatchedConnectionTest {

    @Test
    void aResetWhileTheRequestRunsFreesTheConnectionAtOnce() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (RunningServer server = RunningServer.start((request, response) -> {
            running.countDown();
            release.await(10, TimeUnit.SECONDS);
            response.body().write("late".getBytes(StandardCharsets.US_ASCII));
        })) {
            RawConnection connection = server.connect();
            connection.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            connection.socket.setSoLinger(true, 0); // close() now sends a reset
            connection.close();
            Eventually.awaitStats(server, "the reset connection closed while its handler still runs",
                    s -> s.connections() == 0 && s.busyThreads() == 1);
            release.countDown();
            Eventually.awaitStats(server, "the handler finished", s -> s.busyThreads() == 0);
        }
    }

    @Test
    void manyPipelinedRequestsWaitTheirTurnAndAreAllAnswered() throws Exception {
        try (RunningServer server = RunningServer.start((request, response) ->
                response.body().write(request.path().getBytes(StandardCharsets.US_ASCII)));
             RawConnection connection = server.connect()) {
            // About 200 KiB of pipelined requests: more than the connection buffers while one runs.
            StringBuilder requests = new StringBuilder();
            int count = 2000;
            String padding = "x".repeat(60);
            for (int i = 0; i < count; i++) {
                requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: x\r\nX-Pad: ").append(padding).append("\r\n\r\n");
            }
            Thread sender = new Thread(() -> {
                try {
                    connection.send(requests.toString());
                } catch (Exception ignored) {
                    // the reads below fail if the send did
                }
            });
            sender.start();
            for (int i = 0; i < count; i++) {
                assertThat(connection.readResponse().text()).isEqualTo("/" + i);
            }
            sender.join(10_000);
        }
    }
}
