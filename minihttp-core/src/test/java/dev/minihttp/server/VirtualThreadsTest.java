package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Virtual-thread mode (JDK 21+ only; the code compiles for 17): same names, same limit, same stats. */
@LeakChecked
class VirtualThreadsTest {

    private static boolean isVirtual(Thread thread) {
        try {
            Method isVirtual = Thread.class.getMethod("isVirtual");
            return (Boolean) isVirtual.invoke(thread);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void handlersRunOnNamedVirtualThreadsWithTheWorkerLimitEnforced() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        CountDownLatch release = new CountDownLatch(1);
        Set<String> names = ConcurrentHashMap.newKeySet();
        Set<Boolean> virtual = ConcurrentHashMap.newKeySet();
        try (RunningServer server = RunningServer.start(ServerOptions.builder()
                .virtualThreads(true).workerThreads(2).queueCapacity(10), (request, response) -> {
                    names.add(Thread.currentThread().getName());
                    virtual.add(isVirtual(Thread.currentThread()));
                    release.await(30, TimeUnit.SECONDS);
                    response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII));
                })) {
            assertThat(server.server.usesVirtualThreads()).isTrue();
            List<RawConnection> connections = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    RawConnection connection = server.connect();
                    connections.add(connection);
                    connection.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                }
                Eventually.awaitStats(server, "two running and two queued", s -> s.busyThreads() == 2 && s.queueSize() == 2);
                ServerStats stats = server.stats();
                assertThat(stats.maxThreads()).isEqualTo(2);
                assertThat(stats.workers()).hasSize(2).allMatch(ServerStats.WorkerActivity::busy);
                release.countDown();
                for (int i = 0; i < 4; i++) {
                    assertThat(connections.get(i).readResponse().text()).isEqualTo("ok /" + i);
                }
            } finally {
                release.countDown();
                for (RawConnection connection : connections) {
                    connection.close();
                }
            }
            assertThat(virtual).containsExactly(true);
            assertThat(names).isNotEmpty().allMatch(name -> name.matches("minihttp-worker-\\d+"));
            assertThat(names.size()).isLessThanOrEqualTo(2);
            Eventually.awaitStats(server, "an idle pool", s -> s.busyThreads() == 0 && s.queueSize() == 0);
            assertThat(server.stats().maxThreads()).isEqualTo(2);
        }
    }

    @Test
    void idleVirtualWorkersRetireLikePlatformOnes() throws Exception {
        // Little to save there (an idle virtual thread is a small stack on the heap), but the same
        // pool: threads.current means the same in both modes.
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        try (RunningServer server = RunningServer.start(ServerOptions.builder()
                .virtualThreads(true).workerThreads(4).minWorkerThreads(0)
                .workerIdleTimeout(java.time.Duration.ofMillis(200)), (request, response) ->
                        response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII)))) {
            try (RawConnection connection = server.connect()) {
                connection.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("ok /a");
            }
            assertThat(server.stats().currentThreads()).isEqualTo(1);
            Eventually.awaitStats(server, "the idle virtual worker retired", s -> s.currentThreads() == 0);
            try (RawConnection connection = server.connect()) {
                connection.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("ok /b");
            }
        }
    }
}
