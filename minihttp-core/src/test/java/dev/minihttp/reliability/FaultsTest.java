package dev.minihttp.reliability;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.server.Eventually;
import dev.minihttp.server.Handler;
import dev.minihttp.server.RawConnection;
import dev.minihttp.server.Request;
import dev.minihttp.server.Response;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 3 under faults that ExceptionsTest does not cover one by one: each fault has a defined
 * outcome (a status, a log line, a metric), and the next request is served normally.
 */
@LeakChecked
class FaultsTest {

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicBoolean releaseStuck = new AtomicBoolean();
    private RunningServer server;

    @TempDir
    Path tempRoot;

    @AfterEach
    void cleanUp() throws Exception {
        releaseStuck.set(true);
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RunningServer start(ServerOptions.Builder options, Handler handler) {
        server = RunningServer.start(options, handler);
        return server;
    }

    private static String get(RawConnection connection, String path) throws IOException {
        connection.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        RawConnection.Response response = connection.readResponse();
        return response.status() + " " + response.text();
    }

    private String getOnNewConnection(String path) throws IOException {
        try (RawConnection connection = server.connect()) {
            return get(connection, path);
        }
    }

    private static void ok(Response response, String text) throws IOException {
        response.body().write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    @Test
    void throwsAndErrorsUnderConcurrentKeepAliveTrafficAreAnsweredCountedAndSurvived() throws Exception {
        start(ServerOptions.builder().workerThreads(3), (request, response) -> {
            switch (request.path()) {
                case "/throw" -> throw new IllegalStateException("boom");
                case "/overflow" -> ok(response, Integer.toString(recurse(0)));
                case "/oom" -> throw new OutOfMemoryError("simulated");
                default -> ok(response, "ok " + request.path());
            }
        });
        String[] paths = {"/throw", "/ok", "/overflow", "/ok", "/oom", "/ok"};
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(clients.submit(() -> {
                    List<String> answers = new ArrayList<>();
                    try (RawConnection connection = server.connect()) {
                        for (int i = 0; i < 30; i++) {
                            answers.add(get(connection, paths[i % paths.length]));
                        }
                    }
                    return answers;
                }));
            }
            for (Future<List<String>> result : results) {
                List<String> answers = result.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < answers.size(); i++) {
                    String path = paths[i % paths.length];
                    // An uncommitted failure is a 500 that keeps the connection: all 30 went over one.
                    assertThat(answers.get(i)).isEqualTo(path.equals("/ok") ? "200 ok /ok" : "500 Internal Server Error\n");
                }
            }
        } finally {
            clients.shutdownNow();
        }
        // 4 clients x 5 rounds: 20 of each fault.
        Eventually.awaitStats(server, "every Error counted and every dead worker replaced",
                s -> s.errors() == 40 && s.currentThreads() == 3 && s.busyThreads() == 0);
        ServerStats stats = server.stats();
        assertThat(count(stats, IllegalStateException.class)).isEqualTo(20);
        assertThat(count(stats, StackOverflowError.class)).isEqualTo(20);
        assertThat(count(stats, OutOfMemoryError.class)).isEqualTo(20);
        assertThat(stats.lastError()).containsAnyOf("StackOverflowError", "OutOfMemoryError");
        assertThat(getOnNewConnection("/after")).isEqualTo("200 ok /after");
    }

    private static long count(ServerStats stats, Class<? extends Throwable> type) {
        return stats.exceptions().stream().filter(e -> e.exception().equals(type.getName()))
                .mapToLong(ServerStats.ExceptionCount::count).sum();
    }

    @Test
    void workerThatNeverReturnsIsReportedWhileTheOthersServeAndStopStillReturns() throws Exception {
        start(ServerOptions.builder().workerThreads(3), (request, response) -> {
            if (request.path().equals("/stuck")) {
                // Ignores interrupts, like code stuck in a loop or an uninterruptible call; bounded for the test.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!releaseStuck.get() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ignored) {
                        // stuck code does not care
                    }
                }
            }
            ok(response, "ok " + request.path());
        });
        RawConnection stuck = server.connect();
        toClose.add(stuck);
        stuck.send("GET /stuck?token=secret HTTP/1.1\r\nHost: x\r\n\r\n");
        Eventually.awaitStats(server, "the stuck request to run", s -> s.busyThreads() == 1);

        ServerStats.WorkerActivity first = stuckWorker(server.stats());
        assertThat(first.method()).isEqualTo("GET");
        assertThat(first.path()).isEqualTo("/stuck"); // never the query: it may hold secrets
        Eventually.await("its elapsed time to grow", () -> stuckWorker(server.stats()).elapsedNanos() > first.elapsedNanos());

        for (int i = 0; i < 20; i++) {
            assertThat(getOnNewConnection("/other" + i)).isEqualTo("200 ok /other" + i);
        }
        // A response goes out just before its worker marks itself idle: wait for that, do not race it.
        Eventually.awaitStats(server, "only the stuck worker busy", s -> s.busyThreads() == 1);

        try (CapturedLog log = new CapturedLog()) {
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server.server::stop);
            stopped.get(30, TimeUnit.SECONDS);
            assertThat(log.text()).contains("did not stop within 5 seconds; it is still running GET /stuck")
                    .doesNotContain("secret");
        }
        assertThat(server.server.isRunning()).isFalse();
        // The stats still show it: a stuck thread is a leak the operator must see.
        assertThat(stuckWorker(server.stats()).path()).isEqualTo("/stuck");
        assertThat(stuck.isClosedByServer()).isTrue();
        releaseStuck.set(true);
        Eventually.await("the stuck thread to end once released", () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("minihttp-worker")));
    }

    private static ServerStats.WorkerActivity stuckWorker(ServerStats stats) {
        return stats.workers().stream().filter(ServerStats.WorkerActivity::busy).findFirst()
                .orElseThrow(() -> new AssertionError("no busy worker in " + stats.workers()));
    }

    @Test
    void writeAfterTheClientIsGoneIsAClientAbortCountedAndNotLoggedAsAWarning() throws Exception {
        CountDownLatch clientGone = new CountDownLatch(1);
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        start(ServerOptions.builder().workerThreads(2), (request, response) -> {
            if (request.path().equals("/late")) {
                clientGone.await(10, TimeUnit.SECONDS);
                byte[] piece = new byte[64 * 1024];
                try {
                    for (int i = 0; i < 64; i++) {
                        response.body().write(piece);
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                    throw e;
                }
            }
            ok(response, "ok " + request.path());
        });
        try (CapturedLog log = new CapturedLog()) {
            Socket client = new Socket();
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            client.getOutputStream().write("GET /late HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Eventually.awaitStats(server, "the request to run", s -> s.busyThreads() == 1);
            client.setSoLinger(true, 0);
            client.close();
            clientGone.countDown();

            Eventually.await("the write to fail", () -> writeFailure.get() != null);
            assertThat(writeFailure.get().getClass().getName()).isEqualTo("dev.minihttp.server.ClientAbortException");
            Eventually.awaitStats(server, "the abort counted and the connection gone",
                    s -> count(s, writeFailure.get().getClass()) == 1 && s.connections() == 0 && s.busyThreads() == 0);
            // DEBUG, not WARN: a client that leaves is not the server's problem.
            assertThat(log.text()).doesNotContain("ClientAbortException");
        }
        assertThat(getOnNewConnection("/next")).isEqualTo("200 ok /next");
    }

    @Test
    void requestAndResponseLeakedToAnotherThreadFailCleanlyAndDoNotTouchTheNextExchange() throws Exception {
        AtomicReference<Request> leakedRequest = new AtomicReference<>();
        AtomicReference<Response> leakedResponse = new AtomicReference<>();
        CountDownLatch secondRunning = new CountDownLatch(1);
        CountDownLatch leakUsed = new CountDownLatch(1);
        start(ServerOptions.builder().workerThreads(2), (request, response) -> {
            if (request.path().equals("/first")) {
                leakedRequest.set(request);
                leakedResponse.set(response);
                request.body().readAllBytes();
            } else if (request.path().equals("/second")) {
                secondRunning.countDown();
                leakUsed.await(10, TimeUnit.SECONDS);
            }
            ok(response, "ok " + request.path());
        });
        try (RawConnection connection = server.connect()) {
            connection.send("POST /first HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(connection.readResponse().text()).isEqualTo("ok /first");
            connection.send("GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(secondRunning.await(10, TimeUnit.SECONDS)).isTrue();

            // While the next exchange runs on the same connection, another thread plays with the old one.
            Response old = leakedResponse.get();
            assertThatThrownBy(() -> old.body().write("EVIL".getBytes(StandardCharsets.US_ASCII)))
                    .isInstanceOf(IOException.class);
            old.body().flush();
            old.status(500);
            old.header("X-Leaked", "yes");
            old.complete();
            old.abort();
            assertThat(old.isReady()).as("a completed response is never ready for writing").isFalse();
            assertThatThrownBy(() -> old.whenReady(() -> { })).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(old::reset).isInstanceOf(IllegalStateException.class);
            leakedRequest.get().body().readAllBytes(); // the old body: harmless either way
            leakUsed.countDown();

            RawConnection.Response second = connection.readResponse();
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.text()).isEqualTo("ok /second");
            assertThat(second.header("X-Leaked")).isNull();
            assertThat(second.header("Connection")).isNull();
            assertThat(get(connection, "/third")).isEqualTo("200 ok /third");
        }
    }

    /**
     * A leaked response's {@code whenReady} must not replace the callback of the exchange that now
     * owns the connection's output: that exchange would never be told to go on writing.
     */
    @Test
    void leakedResponseCannotStealTheNextExchangesWriteCallback() throws Exception {
        AtomicReference<Response> leaked = new AtomicReference<>();
        CountDownLatch waitingForWritability = new CountDownLatch(1);
        int pieces = 64;
        start(ServerOptions.builder().workerThreads(2), (request, response) -> {
            if (request.path().equals("/first")) {
                leaked.set(response);
                ok(response, "ok /first");
                return;
            }
            // Non-blocking streaming, as Servlet async writes do it: write while ready, else ask to be called back.
            response.suspend();
            AtomicInteger written = new AtomicInteger();
            Runnable[] writer = new Runnable[1];
            writer[0] = () -> {
                try {
                    while (response.isReady()) {
                        if (written.get() == pieces) {
                            response.complete();
                            return;
                        }
                        response.body().write(new byte[64 * 1024]);
                        written.incrementAndGet();
                    }
                    response.whenReady(writer[0]);
                    waitingForWritability.countDown();
                } catch (IOException e) {
                    response.abort();
                }
            };
            response.whenReady(writer[0]); // as setWriteListener does: the first call comes back at once
        });
        Socket client = new Socket();
        toClose.add(client);
        client.setReceiveBufferSize(16 * 1024);
        client.connect(new InetSocketAddress("127.0.0.1", server.port()));
        client.setSoTimeout(10_000);
        client.getOutputStream().write(("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(waitingForWritability.await(10, TimeUnit.SECONDS)).isTrue();
        AtomicBoolean leakedCallbackRan = new AtomicBoolean();
        try {
            leaked.get().whenReady(() -> leakedCallbackRan.set(true));
        } catch (IllegalStateException refused) {
            // what a completed response must do
        }
        byte[] all = client.getInputStream().readAllBytes(); // Connection: close, so it ends
        String tail = new String(all, Math.max(0, all.length - 5), Math.min(5, all.length), StandardCharsets.ISO_8859_1);
        long received = all.length;
        assertThat(tail).isEqualTo("0\r\n\r\n");
        assertThat(received).as("the streamed response arrived whole").isGreaterThan(pieces * 64L * 1024);
        assertThat(leakedCallbackRan).isFalse();
    }

    @Test
    void fullDiskWhileSpoolingABodyIs500WithAShortReasonAndLeavesNoFile() throws Exception {
        Path spool = tempRoot.resolve("spool");
        Files.createDirectories(spool);
        boolean tmpfs = mountTinyTmpfs(spool);
        start(ServerOptions.builder().workerThreads(2).bodyBufferThreshold(16 * 1024).tempDirectory(spool),
                (request, response) -> ok(response, "ok " + request.path() + " " + request.body().readAllBytes().length));
        if (!tmpfs) {
            // Fallback without mount rights: a spool directory that no longer exists.
            Files.delete(spool);
        }
        try (CapturedLog log = new CapturedLog(); RawConnection connection = server.connect()) {
            int size = tmpfs ? 1536 * 1024 : 64 * 1024;
            Thread uploader = new Thread(() -> {
                try {
                    connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + size + "\r\n\r\n");
                    connection.send(new byte[size]);
                } catch (IOException refusedMidway) {
                    // the server answered and closed before taking everything
                }
            }, "test-uploader");
            uploader.start();
            RawConnection.Response response = connection.readResponse();
            uploader.join(10_000);
            assertThat(response.status()).isEqualTo(500);
            assertThat(response.text()).isEqualTo("Internal Server Error: Could not store the request body\n");
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(log.text()).contains("Could not buffer a request body");
        }
        if (tmpfs) {
            try (Stream<Path> files = Files.list(spool)) {
                assertThat(files.toList()).as("no spool file left behind").isEmpty();
            }
            // The space is back: a spooled body that fits is served.
            try (RawConnection connection = server.connect()) {
                connection.send("POST /fits HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n");
                connection.send(new byte[500_000]);
                assertThat(connection.readResponse().text()).isEqualTo("ok /fits 500000");
            }
        }
        assertThat(getOnNewConnection("/next")).isEqualTo("200 ok /next 0");
        Eventually.awaitStats(server, "no connection left", s -> s.connections() == 0);
    }

    /** A 1 MiB tmpfs on {@code directory} when we may mount (root); unmounted after the test. */
    private boolean mountTinyTmpfs(Path directory) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return false;
        }
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", directory.toString())
                .redirectErrorStream(true).start();
        if (!mount.waitFor(10, TimeUnit.SECONDS) || mount.exitValue() != 0) {
            return false;
        }
        toClose.add(() -> new ProcessBuilder("umount", "-l", directory.toString()).start().waitFor(10, TimeUnit.SECONDS));
        return true;
    }
}
