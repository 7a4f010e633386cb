package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers start when requests need them, up to {@code workerThreads}, and stay: a server sized for
 * many requests at once but seeing few keeps few threads. Admission still counts the workers that
 * are not started yet, so starting on demand never turns a request away.
 */
@LeakChecked
class WorkersOnDemandTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private RunningServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private void start(int workers, int queueCapacity) {
        server = RunningServer.start(ServerOptions.builder().workerThreads(workers).queueCapacity(queueCapacity),
                (request, response) -> {
                    if (request.path().startsWith("/hold")
                            && !release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("test latch never released");
                    }
                    response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII));
                });
    }

    private static long workerThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("minihttp-worker-"))
                .count();
    }

    private static RawConnection send(RunningServer server, String path) throws Exception {
        RawConnection connection = server.connect();
        connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return connection;
    }

    /** Lets the held requests finish; connection i carries /hold{i}. */
    private void releaseAndExpectEveryResponse(List<RawConnection> connections) throws Exception {
        release.countDown();
        for (int i = 0; i < connections.size(); i++) {
            assertThat(connections.get(i).readResponse().text()).isEqualTo("ok /hold" + i);
        }
    }

    private static void closeAll(List<RawConnection> connections) throws Exception {
        for (RawConnection connection : connections) {
            connection.close();
        }
    }

    @Test
    void aStartedServerHasNoWorkerUntilTheFirstRequest() throws Exception {
        start(50, 10);
        ServerStats stats = server.stats();
        assertThat(stats.maxThreads()).isEqualTo(50);
        assertThat(stats.currentThreads()).isZero();
        assertThat(stats.workers()).isEmpty();
        assertThat(workerThreadsAlive()).isZero();

        try (RawConnection connection = send(server, "/first")) {
            assertThat(connection.readResponse().text()).isEqualTo("ok /first");
        }
        assertThat(server.stats().currentThreads()).isEqualTo(1);
        assertThat(workerThreadsAlive()).isEqualTo(1);
    }

    @Test
    void aKeepAliveClientIsServedByOneWorker() throws Exception {
        start(50, 10);
        try (RawConnection connection = server.connect()) {
            for (int i = 0; i < 30; i++) {
                // The next request goes out the moment the response arrived, while the worker may
                // still be on its way back to the queue: the connection takes its next request only
                // once that worker counts as idle, so no second thread is started for it.
                connection.send("GET /seq" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("ok /seq" + i);
            }
        }
        ServerStats stats = server.stats();
        assertThat(stats.currentThreads()).isEqualTo(1);
        assertThat(stats.workers()).hasSize(1);
        assertThat(stats.requests()).isEqualTo(30);
    }

    @Test
    void concurrentRequestsStartAWorkerEachUpToTheLimitThenQueue() throws Exception {
        start(4, 2);
        List<RawConnection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                connections.add(send(server, "/hold" + i));
            }
            Eventually.awaitStats(server, "three requests running", s -> s.busyThreads() == 3);
            assertThat(server.stats().currentThreads()).isEqualTo(3);

            connections.add(send(server, "/hold3"));
            Eventually.awaitStats(server, "four requests running", s -> s.busyThreads() == 4);
            connections.add(send(server, "/hold4"));
            connections.add(send(server, "/hold5"));
            Eventually.awaitStats(server, "two requests queued", s -> s.queueSize() == 2);
            ServerStats full = server.stats();
            assertThat(full.currentThreads()).isEqualTo(4);
            assertThat(full.busyThreads()).isEqualTo(4);
            assertThat(workerThreadsAlive()).isEqualTo(4);

            try (RawConnection rejected = send(server, "/hold6")) {
                assertThat(rejected.readResponse().status()).isEqualTo(503);
            }

            releaseAndExpectEveryResponse(connections);
        } finally {
            closeAll(connections);
        }
        Eventually.awaitStats(server, "an idle pool", s -> s.busyThreads() == 0 && s.queueSize() == 0);
        // Started workers stay: the next burst does not pay for new threads.
        assertThat(server.stats().currentThreads()).isEqualTo(4);
        assertThat(server.stats().workers()).hasSize(4)
                .allSatisfy(worker -> assertThat(worker.busy()).isFalse());
    }

    @Test
    void withNoQueueWorkersNotYetStartedStillAdmitRequests() throws Exception {
        // Capacity 0 means "only if a worker is free": a worker that may still be started is free.
        start(3, 0);
        List<RawConnection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                connections.add(send(server, "/hold" + i));
            }
            Eventually.awaitStats(server, "three requests running", s -> s.busyThreads() == 3);
            try (RawConnection rejected = send(server, "/hold3")) {
                assertThat(rejected.readResponse().status()).isEqualTo(503);
            }
            assertThat(server.stats().rejected()).containsEntry("queue_full", 1L);
            releaseAndExpectEveryResponse(connections);
        } finally {
            closeAll(connections);
        }
        assertThat(server.stats().currentThreads()).isEqualTo(3);
    }
}
