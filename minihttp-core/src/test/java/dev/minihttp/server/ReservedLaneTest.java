package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.LeakChecked;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The reserved lane: with the pool and its queue full of blocked requests, requests on the probe
 * paths still run, on lane threads, and everything else still gets 503.
 */
@LeakChecked
class ReservedLaneTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final List<RunningServer> servers = new ArrayList<>();
    private final List<RawConnection> connections = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (RawConnection connection : connections) {
            connection.close();
        }
        servers.forEach(RunningServer::close);
    }

    /**
     * One pool worker, a queue of one. Paths under /block wait for the latch (on whichever
     * thread runs them); every other request answers with the name of its thread.
     */
    private RunningServer start(ServerOptions.Builder options) {
        RunningServer server = RunningServer.start(options.workerThreads(1).queueCapacity(1), (request, response) -> {
            if (request.path().contains("/block")) {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test latch never released");
                }
            }
            response.body().write(Thread.currentThread().getName().getBytes(StandardCharsets.US_ASCII));
        });
        servers.add(server);
        return server;
    }

    private static ServerOptions.Builder withLane() {
        return ServerOptions.builder().reservedThreads(1).reservedQueueCapacity(1)
                .reservedPaths(List.of("/actuator/health", "/actuator/health/**", "/livez"));
    }

    private RawConnection send(RunningServer server, String path) throws Exception {
        RawConnection connection = server.connect();
        connections.add(connection);
        connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return connection;
    }

    /** Fills the pool's one worker and its queue of one with blocked requests. */
    private void fillThePool(RunningServer server) throws Exception {
        send(server, "/app/block/1");
        Eventually.awaitStats(server, "the first request to run", s -> s.busyThreads() == 1);
        send(server, "/app/block/2");
        Eventually.awaitStats(server, "the second request to queue", s -> s.queueSize() == 1);
    }

    private static RawConnection.Response get(RunningServer server, String path) throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            return connection.readResponse();
        }
    }

    @Test
    void probesAnswerOnLaneThreadsWhileThePoolAndQueueAreFullAndTheAppStillGets503() throws Exception {
        RunningServer server = start(withLane());
        fillThePool(server);

        for (String probe : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/livez")) {
            RawConnection.Response response = get(server, probe);
            assertThat(response.status()).as(probe).isEqualTo(200);
            assertThat(response.text()).as(probe).isEqualTo("minihttp-lane-1");
        }
        RawConnection.Response app = get(server, "/app/other");
        assertThat(app.status()).isEqualTo(503);
        assertThat(app.header("Retry-After")).isEqualTo("1");

        ServerStats stats = server.stats();
        // The pool never saw the probes: still one busy, one queued, and only the app's refusal.
        assertThat(stats.busyThreads()).isEqualTo(1);
        assertThat(stats.queueSize()).isEqualTo(1);
        assertThat(stats.currentThreads()).isEqualTo(1);
        assertThat(stats.rejected()).isEqualTo(Map.of("queue_full", 1L));
        assertThat(stats.workers()).extracting(ServerStats.WorkerActivity::thread).containsExactly("minihttp-worker-1");
        assertThat(stats.requests()).isEqualTo(7);

        ServerStats.LaneStats lane = stats.lane();
        assertThat(lane.enabled()).isTrue();
        assertThat(lane.paths()).containsExactly("/actuator/health", "/actuator/health/**", "/livez");
        assertThat(lane.maxThreads()).isEqualTo(1);
        assertThat(lane.queueCapacity()).isEqualTo(1);
        assertThat(lane.requests()).isEqualTo(4);
        assertThat(lane.rejected()).isEmpty();
        assertThat(lane.queueWaitCount()).isEqualTo(4);
        assertThat(lane.workers()).extracting(ServerStats.WorkerActivity::thread).containsExactly("minihttp-lane-1");

        release.countDown();
        assertThat(connections.get(0).readResponse().text()).isEqualTo("minihttp-worker-1");
        assertThat(connections.get(1).readResponse().text()).isEqualTo("minihttp-worker-1");
    }

    @Test
    void aFullLaneAnswers503AndNeverBorrowsThePool() throws Exception {
        RunningServer server = start(withLane());
        send(server, "/actuator/health/block/1");
        Eventually.awaitStats(server, "a probe to run on the lane", s -> s.lane().busyThreads() == 1);
        send(server, "/actuator/health/block/2");
        Eventually.awaitStats(server, "a probe to queue on the lane", s -> s.lane().queueSize() == 1);

        // The pool is idle, yet the third probe is refused: the lane is a bound of its own.
        RawConnection.Response refused = get(server, "/actuator/health");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(server.stats().lane().rejected()).isEqualTo(Map.of("queue_full", 1L));
        assertThat(server.stats().rejected()).isEmpty();
        assertThat(server.stats().busyThreads()).isZero();

        // And the application's requests do not wait behind the probes.
        RawConnection.Response app = get(server, "/app");
        assertThat(app.status()).isEqualTo(200);
        assertThat(app.text()).isEqualTo("minihttp-worker-1");

        release.countDown();
        assertThat(connections.get(0).readResponse().text()).isEqualTo("minihttp-lane-1");
        assertThat(connections.get(1).readResponse().text()).isEqualTo("minihttp-lane-1");
    }

    @Test
    void pathsThatTheApplicationWouldNormalizeIntoAnotherPathDoNotGetTheLane() throws Exception {
        RunningServer server = start(withLane());
        fillThePool(server);
        for (String disguised : List.of("/actuator/health/../../app", "/actuator/health/%2e%2e/%2e%2e/app",
                "/actuator/health;x=1/../../app", "//actuator/health", "/actuator/health/./x",
                "/actuator/healthz", "/ACTUATOR/HEALTH", "/actuator")) {
            assertThat(get(server, disguised).status()).as(disguised).isEqualTo(503);
        }
        assertThat(server.stats().lane().requests()).isZero();
        assertThat(get(server, "/actuator/health/").status()).isEqualTo(200);
    }

    /** Like the pool: a probe completed during a graceful shutdown gets 503, counted as the lane's "shutdown". */
    @Test
    void theLaneStopsTakingProbesWhenAGracefulShutdownStarts() throws Exception {
        RunningServer server = start(withLane());
        send(server, "/app/block/1");
        Eventually.awaitStats(server, "the app request to run", s -> s.busyThreads() == 1);
        RawConnection probe = server.connect();
        connections.add(probe);
        probe.send("GET /actuator/health HTTP/1.1\r\nHost: x\r\n");
        Eventually.awaitStats(server, "both connections registered", s -> s.connections() == 2);
        java.util.concurrent.CompletableFuture<Boolean> shutdown =
                server.server.shutdownGracefullyAsync(java.time.Duration.ofSeconds(10));
        // While the pool still waits for its running request, the lane already refuses.
        Eventually.await("the lane to stop taking work", () -> !server.server.poolFor("/actuator/health").hasRoom());

        probe.send("\r\n");
        assertThat(probe.readResponse().status()).isEqualTo(503);
        assertThat(server.stats().lane().rejected()).isEqualTo(Map.of("shutdown", 1L));
        assertThat(server.stats().rejected()).isEmpty();

        release.countDown();
        assertThat(connections.get(0).readResponse().status()).isEqualTo(200);
        assertThat(shutdown.get(15, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void withoutPathsThereIsNoLaneAndProbesShareTheApplicationsFate() throws Exception {
        RunningServer server = start(ServerOptions.builder());
        fillThePool(server);
        assertThat(get(server, "/actuator/health").status()).isEqualTo(503);
        assertThat(server.stats().lane().enabled()).isFalse();
        assertThat(server.stats().lane().maxThreads()).isEqualTo(2); // the default, unused without paths
    }

    @Test
    void noThreadsTurnTheLaneOff() throws Exception {
        RunningServer server = start(withLane().reservedThreads(0));
        fillThePool(server);
        assertThat(get(server, "/actuator/health").status()).isEqualTo(503);
        assertThat(server.stats().lane().enabled()).isFalse();
    }

    @Test
    void theLaneWorksWithVirtualThreads() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        RunningServer server = start(withLane().virtualThreads(true));
        fillThePool(server);
        RawConnection.Response response = get(server, "/actuator/health");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("minihttp-lane-1");
        assertThat(get(server, "/app").status()).isEqualTo(503);
    }

    @Test
    void patternsTheLaneCannotMatchAsWrittenFailTheOptions() {
        ServerOptions.Builder options = ServerOptions.builder();
        assertThatThrownBy(() -> options.reservedPaths(List.of("actuator/health")).build())
                .hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> options.reservedPaths(List.of("/actuator/*/health")).build())
                .hasMessageContaining("'/**'");
        assertThatThrownBy(() -> options.reservedPaths(List.of("/a/../b")).build())
                .hasMessageContaining("plain paths");
        assertThatThrownBy(() -> options.reservedPaths(List.of("/health")).reservedThreads(-1).build())
                .hasMessageContaining("reservedThreads");
    }
}
