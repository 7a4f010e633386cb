package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Invariant 3: whatever a handler throws is answered, counted against its worker thread, and survived. */
@LeakChecked
class ExceptionsTest {

    private final Map<String, String> threadByPath = new ConcurrentHashMap<>();
    private RunningServer server;

    @BeforeEach
    void start() {
        // One worker, so "the next request" runs on the very thread that failed (or on its replacement).
        server = RunningServer.start(ServerOptions.builder().workerThreads(1), (request, response) -> {
            threadByPath.put(request.path(), Thread.currentThread().getName());
            switch (request.path()) {
                case "/throw" -> throw new IllegalStateException("secret detail");
                case "/throw-after-flush" -> {
                    response.body().write("partial".getBytes(StandardCharsets.US_ASCII));
                    response.body().flush();
                    throw new IllegalArgumentException("too late for a 500");
                }
                case "/overflow" -> response.body().write(Integer.toString(recurse(0)).getBytes(StandardCharsets.US_ASCII));
                default -> response.body().write(("ok " + Thread.currentThread().getName()).getBytes(StandardCharsets.US_ASCII));
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    private String get(RawConnection connection, String path, int expectedStatus) throws Exception {
        connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawConnection.Response response = connection.readResponse();
        assertThat(response.status()).isEqualTo(expectedStatus);
        return response.text();
    }

    private long exceptionCount(String thread, Class<? extends Throwable> type) {
        return server.stats().exceptions().stream()
                .filter(e -> e.thread().equals(thread) && e.exception().equals(type.getName()))
                .mapToLong(ServerStats.ExceptionCount::count)
                .sum();
    }

    @Test
    void runtimeExceptionIs500WithAShortBodyAndIsCountedAgainstTheWorker() throws Exception {
        try (RawConnection connection = server.connect()) {
            String body = get(connection, "/throw", 500);
            assertThat(body).isEqualTo("Internal Server Error\n");
            assertThat(body).doesNotContain("secret", "Exception", "at dev.");
            String thread = threadByPath.get("/throw");
            assertThat(thread).matches("minihttp-worker-\\d+");
            Eventually.await("the exception to be counted", () -> exceptionCount(thread, IllegalStateException.class) == 1,
                    () -> server.stats().exceptions());
            assertThat(server.stats().errors()).isZero();

            // The connection (an uncommitted 500 keeps it usable) and the worker both go on.
            assertThat(get(connection, "/next", 200)).isEqualTo("ok " + thread);
        }
    }

    @Test
    void exceptionAfterCommitClosesTheConnection() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /throw-after-flush HTTP/1.1\r\nHost: x\r\n\r\n");
            String head = connection.readHead();
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked");
            // The client gets the flushed chunk, then the connection ends without the last chunk.
            String rest = connection.readToEnd();
            assertThat(rest).contains("partial").doesNotEndWith("0\r\n\r\n");
        }
        String thread = threadByPath.get("/throw-after-flush");
        Eventually.await("the exception to be counted", () -> exceptionCount(thread, IllegalArgumentException.class) == 1,
                () -> server.stats().exceptions());
        try (RawConnection connection = server.connect()) {
            assertThat(get(connection, "/next", 200)).isEqualTo("ok " + thread);
        }
    }

    @Test
    void stackOverflowIs500CountedAsAnErrorAndTheWorkerIsReplaced() throws Exception {
        try (RawConnection connection = server.connect()) {
            assertThat(get(connection, "/overflow", 500)).isEqualTo("Internal Server Error\n");
        }
        String dead = threadByPath.get("/overflow");
        assertThat(dead).matches("minihttp-worker-\\d+");
        Eventually.await("the error to be counted", () -> server.stats().errors() == 1, server::stats);
        ServerStats stats = server.stats();
        assertThat(stats.lastError()).contains(dead).contains("java.lang.StackOverflowError");
        assertThat(exceptionCount(dead, StackOverflowError.class)).isEqualTo(1);
        Eventually.awaitStats(server, "a replacement worker", s -> s.currentThreads() == s.maxThreads());

        for (int i = 0; i < 3; i++) {
            try (RawConnection connection = server.connect()) {
                String body = get(connection, "/after" + i, 200);
                assertThat(body).matches("ok minihttp-worker-\\d+").isNotEqualTo("ok " + dead);
            }
        }
        assertThat(server.stats().maxThreads()).isEqualTo(1);
        assertThat(server.stats().currentThreads()).isEqualTo(1);
        // The response goes out before the worker marks itself idle: wait for that, do not race it.
        Eventually.awaitStats(server, "an idle worker", s -> s.busyThreads() == 0);
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName)).doesNotContain(dead);
    }
}
