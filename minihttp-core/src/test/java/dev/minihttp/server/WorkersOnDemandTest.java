package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Workers start when requests need them, up to {@code workerThreads}, and retire after the worker
 * idle timeout down to {@code minWorkerThreads}: a server sized for many requests at once but
 * seeing few keeps few threads. Admission still counts the workers that are not started yet, so
 * starting on demand never turns a request away.
 */
@LeakChecked
class WorkersOnDemandTest {

    // Replaced by each burst, so that a later one holds its requests again.
    private volatile CountDownLatch release = new CountDownLatch(1);
    private RunningServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private void start(int workers, int queueCapacity) {
        start(ServerOptions.builder().workerThreads(workers).queueCapacity(queueCapacity));
    }

    /** Workers that retire after 200 ms idle, down to {@code min}. */
    private void startRetiring(int workers, int min) {
        start(ServerOptions.builder().workerThreads(workers).queueCapacity(10)
                .minWorkerThreads(min).workerIdleTimeout(Duration.ofMillis(200)));
    }

    private void start(ServerOptions.Builder options) {
        server = RunningServer.start(options,
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
        // Started workers stay until the idle timeout (60 s by default): the next burst does not pay for new threads.
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

    /** Holds {@code n} requests at once (a worker each), then lets them all finish. */
    private void burst(int n) throws Exception {
        List<RawConnection> connections = new ArrayList<>();
        release = new CountDownLatch(1);
        try {
            for (int i = 0; i < n; i++) {
                connections.add(send(server, "/hold" + i));
            }
            Eventually.awaitStats(server, n + " requests running", s -> s.busyThreads() == n);
            assertThat(server.stats().currentThreads()).isEqualTo(n);
            releaseAndExpectEveryResponse(connections);
        } finally {
            closeAll(connections);
        }
    }

    @Test
    void idleWorkersRetireDownToTheMinimumAndTheNextBurstStartsThemAgain() throws Exception {
        startRetiring(4, 1);
        burst(4);
        Eventually.awaitStats(server, "idle workers retired down to 1", s -> s.currentThreads() == 1);
        Eventually.await("one worker thread left", () -> workerThreadsAlive() == 1, WorkersOnDemandTest::workerThreadsAlive);
        assertThat(server.stats().workers()).hasSize(1);

        // The minimum stays however long it is idle; requests still run, on it.
        for (int i = 0; i < 3; i++) {
            try (RawConnection connection = send(server, "/after" + i)) {
                assertThat(connection.readResponse().text()).isEqualTo("ok /after" + i);
            }
        }
        assertThat(server.stats().currentThreads()).isEqualTo(1);
    }

    @Test
    void withAMinimumOfZeroEveryIdleWorkerRetiresAndTheNextRequestStartsOne() throws Exception {
        startRetiring(3, 0);
        try (RawConnection connection = send(server, "/first")) {
            assertThat(connection.readResponse().text()).isEqualTo("ok /first");
        }
        Eventually.awaitStats(server, "no worker left", s -> s.currentThreads() == 0 && s.workers().isEmpty());
        Eventually.await("no worker thread left", () -> workerThreadsAlive() == 0, WorkersOnDemandTest::workerThreadsAlive);
        for (int i = 0; i < 5; i++) {
            try (RawConnection connection = send(server, "/again" + i)) {
                assertThat(connection.readResponse().text()).isEqualTo("ok /again" + i);
            }
        }
        assertThat(server.stats().requests()).isEqualTo(6);
    }

    @Test
    void aTrickleOfRequestsKeepsOneWorkerWhileTheRestOfABurstRetires() throws Exception {
        // The most recently idle worker takes the next request: were it the longest idle one, a
        // request every few milliseconds would keep all four alive, each in turn.
        startRetiring(4, 0);
        burst(4);
        try (RawConnection connection = server.connect()) {
            int[] sent = {0};
            Eventually.await("the burst's workers retired while requests keep coming", () -> {
                try {
                    connection.send("GET /trickle" + sent[0] + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(connection.readResponse().text()).isEqualTo("ok /trickle" + sent[0]);
                    sent[0]++;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                return server.stats().currentThreads() == 1;
            }, () -> server.stats());
        }
    }

    @Test
    void threadNamesOfRetiredWorkersAreReusedSoTheyStayWithinThePoolSize() throws Exception {
        startRetiring(3, 0);
        Set<String> names = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            burst(3);
            server.stats().workers().forEach(worker -> names.add(worker.thread()));
            Eventually.awaitStats(server, "every worker retired", s -> s.currentThreads() == 0);
        }
        assertThat(names).containsExactlyInAnyOrder("minihttp-worker-1", "minihttp-worker-2", "minihttp-worker-3");
    }
}
