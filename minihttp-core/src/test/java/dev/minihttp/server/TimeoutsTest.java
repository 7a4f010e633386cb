package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timeouts driven by the I/O thread, with short configured values. Waits for events, never measures time. */
@LeakChecked
class TimeoutsTest {

    private final List<RunningServer> servers = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final AtomicInteger handled = new AtomicInteger();
    private final AtomicReference<Throwable> bigWriteFailure = new AtomicReference<>();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        servers.forEach(RunningServer::close);
    }

    private RunningServer start(ServerOptions.Builder options) {
        RunningServer server = RunningServer.start(options.workerThreads(2), (request, response) -> {
            handled.incrementAndGet();
            request.body().transferTo(OutputStream.nullOutputStream());
            if (request.path().equals("/big")) {
                byte[] piece = new byte[64 * 1024];
                try {
                    for (int i = 0; i < 128; i++) { // 8 MiB
                        response.body().write(piece);
                    }
                } catch (IOException e) {
                    bigWriteFailure.set(e);
                    throw e;
                }
                return;
            }
            response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII));
        });
        servers.add(server);
        return server;
    }

    @Test
    void partialHeadGets408AndClose() throws Exception {
        RunningServer server = start(ServerOptions.builder().requestHeadTimeout(Duration.ofMillis(300)));
        try (RawConnection connection = server.connect()) {
            connection.send("GET / HTTP/1.1\r\nHost: x\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(connection.isClosedByServer()).isTrue();
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void connectionThatSendsNothingIsClosed() throws Exception {
        RunningServer server = start(ServerOptions.builder().requestHeadTimeout(Duration.ofMillis(300)));
        try (RawConnection connection = server.connect()) {
            Eventually.awaitStats(server, "the connection to be registered", s -> s.connections() == 1);
            assertThat(connection.isClosedByServer()).isTrue();
        }
        Eventually.awaitStats(server, "no connection left", s -> s.connections() == 0);
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        RunningServer server = start(ServerOptions.builder()
                .requestHeadTimeout(Duration.ofSeconds(30))
                .idleTimeout(Duration.ofMillis(300)));
        try (RawConnection connection = server.connect()) {
            connection.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
            RawConnection.Response response = connection.readResponse();
            assertThat(response.text()).isEqualTo("ok /one");
            assertThat(response.header("Connection")).isNull();
            // Within the 10 s socket timeout, though the head timeout is 30 s: the idle timeout closed it.
            assertThat(connection.isClosedByServer()).isTrue();
        }
    }

    @Test
    void bodyTricklingBelowTheMinimumRateGets408() throws Exception {
        RunningServer server = start(ServerOptions.builder()
                .requestHeadTimeout(Duration.ofSeconds(30))
                .minBodyRate(1000)
                .bodyRateGracePeriod(Duration.ofMillis(200)));
        try (RawConnection connection = server.connect()) {
            connection.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789");
            AtomicBoolean done = new AtomicBoolean();
            Thread trickler = new Thread(() -> {
                try {
                    while (!done.get()) {
                        connection.send("x");
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException closed) {
                    // the server gave up on us: expected
                }
            }, "test-trickler");
            trickler.start();
            try {
                RawConnection.Response response = connection.readResponse();
                assertThat(response.status()).isEqualTo(408);
                assertThat(response.header("Connection")).isEqualTo("close");
                assertThat(connection.isClosedByServer()).isTrue();
            } finally {
                done.set(true);
                trickler.join(5000);
            }
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void clientThatNeverReadsIsCutOffAndTheWorkerReleased() throws Exception {
        RunningServer server = start(ServerOptions.builder().writeTimeout(Duration.ofMillis(500)));
        Socket stuck = new Socket();
        clients.add(stuck);
        stuck.setReceiveBufferSize(16 * 1024);
        stuck.connect(new InetSocketAddress("127.0.0.1", server.port()));
        stuck.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        stuck.getOutputStream().flush();

        Eventually.await("the handler to fail writing", () -> bigWriteFailure.get() != null);
        assertThat(bigWriteFailure.get()).isInstanceOf(ClientAbortException.class);
        Eventually.awaitStats(server, "the worker released and the connection closed",
                s -> s.busyThreads() == 0 && s.connections() == 0);

        try (RawConnection other = server.connect()) {
            other.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(other.readResponse().text()).isEqualTo("ok /next");
        }

        // What the stuck client can still read ends early: the server closed the connection.
        stuck.setSoTimeout(10_000);
        long received = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = stuck.getInputStream().read(buffer)) > 0; ) {
                received += n;
            }
        } catch (IOException reset) {
            // a reset is as good as an EOF here
        }
        assertThat(received).isLessThan(8L * 1024 * 1024);
        assertThat(Arrays.asList(server.stats().exceptions()).toString()).contains("ClientAbortException");
    }

    @Test
    void responseNobodyReadsIsDroppedAfterTheWriteTimeoutOnceTheWorkerIsDone() throws Exception {
        // The high watermark is above the 8 MiB body: the worker finishes at once and the I/O thread
        // is left holding what the socket did not take. Not idle (still sending), but stalled.
        RunningServer server = start(ServerOptions.builder()
                .writeTimeout(Duration.ofMillis(500))
                .idleTimeout(Duration.ofMillis(200))
                .outputHighWatermark(16 * 1024 * 1024));
        Socket stuck = new Socket();
        clients.add(stuck);
        stuck.setReceiveBufferSize(16 * 1024);
        stuck.connect(new InetSocketAddress("127.0.0.1", server.port()));
        stuck.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        stuck.getOutputStream().flush();
        Eventually.awaitStats(server, "the request to be handled", s -> s.requests() == 1);
        Eventually.awaitStats(server, "the worker released and the connection closed",
                s -> s.busyThreads() == 0 && s.connections() == 0);
        assertThat(bigWriteFailure.get()).isNull();
    }
}
