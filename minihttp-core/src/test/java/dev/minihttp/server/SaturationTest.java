package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Invariant 2: one worker, a queue of one, and a handler held on a latch. */
@LeakChecked
class SaturationTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<RunningServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        release.countDown();
        servers.forEach(RunningServer::close);
    }

    private RunningServer start(ServerOptions.Builder options) {
        RunningServer server = RunningServer.start(options.workerThreads(1).retryAfterSeconds(7), (request, response) -> {
            request.body().readAllBytes();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch never released");
            }
            response.body().write(("done " + request.path()).getBytes(StandardCharsets.US_ASCII));
        });
        servers.add(server);
        return server;
    }

    /** Sends a request on a new connection. */
    private static RawConnection send(RunningServer server, String path) throws Exception {
        RawConnection connection = server.connect();
        connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return connection;
    }

    private static void assert503(RawConnection connection) throws Exception {
        RawConnection.Response response = connection.readResponse();
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.header("Retry-After")).isEqualTo("7");
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(connection.isClosedByServer()).isTrue();
    }

    @Test
    void fullQueueIsAnswered503AtOnceAndAcceptedRequestsStillComplete() throws Exception {
        RunningServer server = start(ServerOptions.builder().queueCapacity(1));
        try (RawConnection running = send(server, "/1")) {
            Eventually.awaitStats(server, "the first request to run", s -> s.busyThreads() == 1);
            try (RawConnection queued = send(server, "/2")) {
                Eventually.awaitStats(server, "the second request to queue", s -> s.queueSize() == 1);
                ServerStats stats = server.stats();
                assertThat(stats.busyThreads()).isEqualTo(1);
                assertThat(stats.queueCapacity()).isEqualTo(1);
                assertThat(stats.workers().stream().filter(ServerStats.WorkerActivity::busy)).hasSize(1);
                assertThat(stats.workers().stream().filter(ServerStats.WorkerActivity::busy).findFirst().orElseThrow().path()).isEqualTo("/1");

                try (RawConnection rejected = send(server, "/3")) {
                    assert503(rejected);
                }
                assertThat(server.stats().rejected()).isEqualTo(Map.of("queue_full", 1L));

                release.countDown();
                assertThat(running.readResponse().text()).isEqualTo("done /1");
                assertThat(queued.readResponse().text()).isEqualTo("done /2");
            }
        }
        Eventually.awaitStats(server, "an idle pool", s -> s.busyThreads() == 0 && s.queueSize() == 0);
        assertThat(server.stats().queueWaitCount()).isEqualTo(2);
        assertThat(server.stats().requests()).isEqualTo(3);
    }

    @Test
    void requestThatWaitedPastTheQueueTimeoutGets503() throws Exception {
        RunningServer server = start(ServerOptions.builder().queueCapacity(5).queueTimeout(Duration.ofMillis(200)));
        try (RawConnection running = send(server, "/1")) {
            Eventually.awaitStats(server, "the first request to run", s -> s.busyThreads() == 1);
            try (RawConnection queued = send(server, "/2")) {
                Eventually.awaitStats(server, "the second request to queue", s -> s.queueSize() == 1);
                Thread.sleep(600); // let the queued request outwait its timeout; nothing is asserted on time
                release.countDown();
                assertThat(running.readResponse().text()).isEqualTo("done /1");
                assert503(queued);
            }
        }
        assertThat(server.stats().rejected()).isEqualTo(Map.of("queue_timeout", 1L));
        // Both waits are measured, and the timed-out one waited longer than the timeout.
        assertThat(server.stats().queueWaitCount()).isEqualTo(2);
        assertThat(server.stats().queueWaitMaxNanos()).isGreaterThan(Duration.ofMillis(200).toNanos());
        try (RawConnection after = send(server, "/after")) {
            assertThat(after.readResponse().text()).isEqualTo("done /after");
        }
    }

    @Test
    void expectContinueWhenTheQueueIsFullGets503AndNo100() throws Exception {
        RunningServer server = start(ServerOptions.builder().queueCapacity(1));
        try (RawConnection running = send(server, "/1")) {
            Eventually.awaitStats(server, "the first request to run", s -> s.busyThreads() == 1);
            try (RawConnection queued = send(server, "/2")) {
                Eventually.awaitStats(server, "the second request to queue", s -> s.queueSize() == 1);
                try (RawConnection upload = server.connect()) {
                    upload.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n");
                    // readResponse() would return the 100 if one had been sent.
                    assert503(upload);
                }
                assertThat(server.stats().rejected()).isEqualTo(Map.of("queue_full", 1L));
                // Every rejected request is one of the requests the pool was handed.
                assertThat(server.stats().requests()).isEqualTo(3);
                release.countDown();
                assertThat(running.readResponse().text()).isEqualTo("done /1");
                assertThat(queued.readResponse().text()).isEqualTo("done /2");
            }
        }
    }
}
