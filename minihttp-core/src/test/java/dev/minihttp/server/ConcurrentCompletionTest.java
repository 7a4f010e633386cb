package dev.minihttp.server;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A suspended response completed by several threads at the same moment must end the exchange
 * exactly once: a second "exchange finished" would hand the connection back to reading twice,
 * closing it under the next pipelined request or reviving a closing one.
 */
@LeakChecked
class ConcurrentCompletionTest {

    private static final int COMPLETERS = 6;
    private static final int ROUNDS = 100;

    @Test
    void racingCompletersEndTheExchangeOnce() throws Exception {
        ExecutorService completers = Executors.newFixedThreadPool(COMPLETERS);
        try (RunningServer server = RunningServer.start((request, response) -> {
            response.suspend();
            response.body().write(("done " + request.path()).getBytes(StandardCharsets.US_ASCII));
            CyclicBarrier start = new CyclicBarrier(COMPLETERS);
            for (int i = 0; i < COMPLETERS; i++) {
                completers.execute(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        return;
                    }
                    response.complete();
                });
            }
        }); RawConnection connection = server.connect()) {
            for (int round = 0; round < ROUNDS; round += 2) {
                // Two pipelined requests: a doubled hand-back would swallow or cut off the second.
                connection.send("GET /r" + round + " HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /r" + (round + 1) + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("done /r" + round);
                assertThat(connection.readResponse().text()).isEqualTo("done /r" + (round + 1));
            }
            assertThat(server.stats().connections()).isEqualTo(1);
        } finally {
            completers.shutdownNow();
        }
    }
}
