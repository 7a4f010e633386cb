package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Invariant 5: nothing accepted is lost on shutdown, and nothing new is taken. */
@LeakChecked
class GracefulShutdownTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private RunningServer server;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
    }

    private void start(long blockSeconds) {
        server = RunningServer.start(ServerOptions.builder().workerThreads(2).queueCapacity(10), (request, response) -> {
            if (request.path().startsWith("/block")) {
                release.await(blockSeconds, TimeUnit.SECONDS);
            }
            // Bigger than the response buffer: the last part goes out after the handler is released.
            byte[] line = ("done " + request.path() + "\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 2000; i++) {
                response.body().write(line);
            }
        });
    }

    private static String expectedBody(String path) {
        return ("done " + path + "\n").repeat(2000);
    }

    private static RawConnection send(RunningServer server, String path) throws IOException {
        RawConnection connection = server.connect();
        connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        return connection;
    }

    /** Connecting now must not get a request served: refused, or closed without an answer. */
    private void assertNewConnectionNotServed() {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /new HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().read()).as("a byte of response on a new connection").isEqualTo(-1);
        } catch (IOException refusedOrReset) {
            // connection refused (listener closed) or reset: not served, as wanted
        }
    }

    @Test
    void finishesRunningAndQueuedRequestsClosesIdleOnesAndRefusesNewOnes() throws Exception {
        start(30);
        try (RawConnection idle = send(server, "/warm-up")) {
            // Answered before the others are sent: they would otherwise race it for the two workers.
            assertThat(idle.readResponse().text()).isEqualTo(expectedBody("/warm-up"));
            try (RawConnection first = send(server, "/block1"); RawConnection second = send(server, "/block2")) {
                Eventually.awaitStats(server, "two requests running", s -> s.busyThreads() == 2);
                try (RawConnection queued = send(server, "/block3")) {
                    Eventually.awaitStats(server, "one request queued", s -> s.queueSize() == 1);

                    CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(10));

                    // The idle keep-alive connection is closed; by then the listener is closed too.
                    assertThat(idle.isClosedByServer()).isTrue();
                    assertNewConnectionNotServed();
                    assertThat(shutdown).isNotDone();
                    assertThat(server.server.isRunning()).isFalse();

                    release.countDown();
                    String[] paths = {"/block1", "/block2", "/block3"};
                    RawConnection[] connections = {first, second, queued};
                    for (int i = 0; i < paths.length; i++) {
                        RawConnection.Response response = connections[i].readResponse();
                        assertThat(response.status()).isEqualTo(200);
                        assertThat(response.text()).isEqualTo(expectedBody(paths[i]));
                        assertThat(response.header("Connection")).isEqualTo("close");
                        assertThat(connections[i].isClosedByServer()).isTrue();
                    }
                    assertThat(shutdown.get(15, TimeUnit.SECONDS)).isTrue();
                }
            }
        }
        ServerStats stats = server.stats();
        assertThat(stats.running()).isFalse();
        assertThat(stats.busyThreads()).isZero();
        assertThat(stats.queueSize()).isZero();
        assertThat(stats.connections()).isZero();
        assertThat(stats.rejected()).isEmpty();
    }

    @Test
    void requestStillArrivingWhenShutdownStartsGets503CountedAsShutdown() throws Exception {
        start(30);
        try (RawConnection running = send(server, "/block1"); RawConnection arriving = server.connect()) {
            Eventually.awaitStats(server, "the request to run", s -> s.busyThreads() == 1);
            arriving.send("POST /late HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234");
            Eventually.awaitStats(server, "both connections registered", s -> s.connections() == 2);
            CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(10));
            // Package-private peek: the pool stops taking work a moment after isRunning() turns false.
            Eventually.await("the pool to stop taking work", () -> !server.server.pool().hasRoom());

            arriving.send("56789");
            RawConnection.Response refused = arriving.readResponse();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Connection")).isEqualTo("close");
            assertThat(server.stats().rejected()).isEqualTo(java.util.Map.of("shutdown", 1L));

            release.countDown();
            assertThat(running.readResponse().text()).isEqualTo(expectedBody("/block1"));
            assertThat(shutdown.get(15, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void requestThatNeverFinishesMakesItReturnFalseAndEverythingStops() throws Exception {
        start(60);
        try (RawConnection stuck = send(server, "/block-forever")) {
            Eventually.awaitStats(server, "the request to run", s -> s.busyThreads() == 1);
            assertThat(server.server.shutdownGracefully(Duration.ofMillis(300))).isFalse();
            assertThat(server.server.isRunning()).isFalse();
            // stop() cut the connection: no complete response arrives, the socket ends.
            stuck.timeout(10_000);
            String received;
            try {
                received = stuck.readToEnd();
            } catch (IOException reset) {
                received = "";
            }
            assertThat(received).doesNotContain("done");
            assertNewConnectionNotServed();
            Eventually.awaitStats(server, "the worker stopped", s -> s.busyThreads() == 0 && s.connections() == 0);
        }
        Eventually.await("no minihttp thread left", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("minihttp-")));
    }

    /**
     * stop() during the drain cuts the running request off (it interrupts the worker, which then
     * ends quickly): the drain must not mistake that quiet for having finished the work.
     */
    @Test
    void stopDuringTheDrainMakesItReturnFalse() throws Exception {
        start(60);
        try (RawConnection running = send(server, "/block")) {
            Eventually.awaitStats(server, "the request to run", s -> s.busyThreads() == 1);
            CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(30));
            Eventually.await("the drain to begin", () -> !server.server.isRunning());

            server.server.stop();

            assertThat(shutdown.get(15, TimeUnit.SECONDS)).as("graceful shutdown reports idle").isFalse();
        }
    }

    /** The same when stop() wins the race against the graceful shutdown's own start (it runs on a thread of its own). */
    @Test
    void gracefulShutdownAfterAStopThatCutARequestOffReturnsFalse() throws Exception {
        start(60);
        try (RawConnection running = send(server, "/block")) {
            Eventually.awaitStats(server, "the request to run", s -> s.busyThreads() == 1);
            server.server.stop();

            assertThat(server.server.shutdownGracefully(Duration.ofSeconds(5))).isFalse();
        }
    }
}
