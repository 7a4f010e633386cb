package dev.minihttp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.Eventually;
import dev.minihttp.server.RawConnection;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import org.junit.jupiter.api.Test;

/**
 * The first line logged for an exception a worker counted names the exception with its message:
 * log searches and alerts often show only that line, not the stack trace below it.
 */
@LeakChecked
class ExceptionHeadlineTest {

    @Test
    void workerLogLineCarriesTheExceptionsMessage() throws Exception {
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(1), (request, response) -> {
                    throw new IllegalStateException("the ledger is locked");
                });
                CapturedLog log = new CapturedLog();
                RawConnection connection = server.connect()) {
            connection.send("GET /pay HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.readResponse().status()).isEqualTo(500);

            // Logged once the worker is back from the handler, which may be after the 500 went out.
            String marker = "GET /pay failed on minihttp-worker-1";
            Eventually.await("the worker's log line", () -> log.text().contains(marker));
            String headline = log.text().lines().filter(line -> line.contains(marker)).findFirst().orElseThrow();
            assertThat(headline).contains("java.lang.IllegalStateException: the ledger is locked");
        }
    }
}
