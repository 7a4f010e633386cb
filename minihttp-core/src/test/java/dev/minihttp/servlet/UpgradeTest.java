package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.Eventually;
import dev.minihttp.server.RawConnection;
import dev.minihttp.server.ServerOptions;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servlet HTTP Upgrade through raw sockets: a tiny "echo" protocol (101, then every byte back),
 * driven by non-blocking listeners that the engine runs on workers only when bytes or room are there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@LeakChecked
class UpgradeTest {

    static final List<String> events = new CopyOnWriteArrayList<>();

    /**
     * Echoes what it reads, reading only while it can write: a slow reader slows the sender down.
     * Says "going away" when the server shuts down gracefully.
     */
    public static final class Echo implements GracefulUpgradeHandler {
        private WebConnection connection;
        private ServletInputStream in;
        private ServletOutputStream out;
        private final byte[] buffer = new byte[8192];

        @Override
        public void init(WebConnection webConnection) {
            events.add("init on " + Thread.currentThread().getName());
            connection = webConnection;
            try {
                in = webConnection.getInputStream();
                out = webConnection.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            out.setWriteListener(new WriteListener() {
                @Override
                public void onWritePossible() throws IOException {
                    pump();
                }

                @Override
                public void onError(Throwable t) {
                    events.add("write error");
                }
            });
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    pump();
                }

                @Override
                public void onAllDataRead() throws IOException {
                    events.add("all data read");
                    connection.getOutputStream().close();
                }

                @Override
                public void onError(Throwable t) {
                    events.add("read error");
                }
            });
        }

        // Read and write-ready callbacks may run at once (on two workers): one pump at a time.
        private synchronized void pump() throws IOException {
            while (out.isReady() && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    return;
                }
                String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                out.write(buffer, 0, n);
                if (text.endsWith("bye\n")) {
                    try {
                        connection.close();
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                    return;
                }
            }
        }

        @Override
        public synchronized void goingAway() {
            events.add("going away on " + Thread.currentThread().getName());
            try {
                if (out.isReady()) {
                    out.write("going away\n".getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                events.add("going away failed: " + e);
            }
        }

        @Override
        public void destroy() {
            events.add("destroy");
        }
    }

    private ServletTestServer server;

    private ServletTestServer start(ServerOptions.Builder options) throws Exception {
        ServletContainer container = new ServletContainer();
        container.context().addServlet("echo", new LambdaServlet((req, res) -> {
            if (!"echo".equals(req.getHeader("Upgrade"))) {
                res.sendError(400);
                return;
            }
            res.setHeader("Upgrade", "echo");
            res.setHeader("Connection", "Upgrade");
            Echo echo = req.upgrade(Echo.class);
            assertThat(echo).isNotNull();
            events.add("servlet returned");
        })).addMapping("/echo");
        events.clear();
        server = new ServletTestServer(container, options.host("127.0.0.1").port(0).build());
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static final String UPGRADE = "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n";

    private static String read(RawConnection connection, int length) throws IOException {
        return new String(connection.socket.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void switchesProtocolsThenEchoesOnWorkersAndHoldsNoWorkerWhileIdle() throws Exception {
        start(ServerOptions.builder().workerThreads(4));
        try (RawConnection client = new RawConnection(server.server.port())) {
            // Bytes right behind the request belong to the new protocol.
            client.send(UPGRADE + "hello\n");
            String head = client.readHead();
            assertThat(head).startsWith("HTTP/1.1 101 ");
            assertThat(head).contains("Upgrade: echo").contains("Connection: Upgrade").doesNotContain("Content-Length")
                    .doesNotContain("Transfer-Encoding");
            assertThat(read(client, 6)).isEqualTo("hello\n");
            client.send("second\n");
            assertThat(read(client, 7)).isEqualTo("second\n");
            assertThat(events).startsWith("servlet returned");
            assertThat(events.get(1)).startsWith("init on minihttp-worker-");

            var stats = server.server.stats();
            assertThat(stats.upgradedConnections()).isEqualTo(1);
            assertThat(stats.connections()).isEqualTo(1);
            Eventually.await("no worker busy while the upgraded connection is idle", () -> server.server.stats().busyThreads() == 0,
                    () -> server.server.stats());

            client.send("bye\n");
            assertThat(read(client, 4)).isEqualTo("bye\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
        Eventually.await("destroy after the handler closed", () -> events.contains("destroy"), () -> events);
        Eventually.await("the connection to be gone", () -> server.server.stats().connections() == 0
                && server.server.stats().upgradedConnections() == 0);
    }

    @Test
    void plainRequestsStillWorkBesideAndAfterARefusedUpgrade() throws Exception {
        start(ServerOptions.builder().workerThreads(2));
        try (RawConnection client = new RawConnection(server.server.port())) {
            client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(400);
        }
        assertThat(server.server.stats().upgradedConnections()).isZero();
    }

    @Test
    void clientClosingEndsTheHandler() throws Exception {
        start(ServerOptions.builder().workerThreads(2));
        try (RawConnection client = new RawConnection(server.server.port())) {
            client.send(UPGRADE);
            assertThat(client.readHead()).startsWith("HTTP/1.1 101 ");
            client.send("ping\n");
            assertThat(read(client, 5)).isEqualTo("ping\n");
        }
        Eventually.await("destroy after the client closed", () -> events.contains("destroy"), () -> events);
        assertThat(events).contains("all data read");
        Eventually.await("no connection left", () -> server.server.stats().connections() == 0);
    }

    @Test
    void slowReaderStopsTheServerReadingAndHoldsNoWorker() throws Exception {
        start(ServerOptions.builder().workerThreads(2).outputHighWatermark(16 * 1024).upgradeBufferSize(16 * 1024));
        // More than the kernel buffers of both sockets can hold, so the sender must stall.
        byte[] payload = new byte[32 * 1024 * 1024];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        try (java.net.Socket client = new java.net.Socket()) {
            client.setReceiveBufferSize(16 * 1024);
            client.connect(new java.net.InetSocketAddress("127.0.0.1", server.server.port()));
            client.setSoTimeout(10_000);
            client.getOutputStream().write(UPGRADE.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = client.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ");
            AtomicReference<Throwable> sendFailure = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            Thread sender = new Thread(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int offset = 0; offset < payload.length; offset += 64 * 1024) {
                        out.write(payload, offset, 64 * 1024);
                        sent.addAndGet(64 * 1024);
                    }
                    out.flush();
                } catch (IOException e) {
                    sendFailure.set(e);
                }
            }, "slow-reader-sender");
            sender.start();
            // The client reads nothing: the server's output passes its watermark, the echo stops
            // reading, the input buffer fills and the I/O thread stops reading the socket. No
            // worker waits through any of it.
            Eventually.await("the sender to stall behind back-pressure", () -> {
                long before = sent.get();
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return sender.isAlive() && sent.get() == before && server.server.stats().busyThreads() == 0;
            }, () -> sent.get() + " sent; " + server.server.stats());
            assertThat(sent.get()).isLessThan(payload.length);

            byte[] echoed = in.readNBytes(payload.length);
            sender.join(10_000);
            assertThat(sendFailure.get()).isNull();
            assertThat(echoed.length).isEqualTo(payload.length);
            assertThat(Arrays.equals(echoed, payload)).as("every byte echoed, in order").isTrue();
        }
        Eventually.await("destroy", () -> events.contains("destroy"), () -> events);
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void gracefulShutdownLetsTheProtocolSayGoodbyeThenClosesTheConnection() throws Exception {
        start(ServerOptions.builder().workerThreads(2));
        try (RawConnection client = new RawConnection(server.server.port())) {
            client.send(UPGRADE + "x\n");
            assertThat(client.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(read(client, 2)).isEqualTo("x\n");
            assertThat(server.server.shutdownGracefully(Duration.ofSeconds(10))).isTrue();
            // The handler's last words (a WebSocket's 1001 close frame) arrive before the close.
            assertThat(read(client, 11)).isEqualTo("going away\n");
            assertThat(client.isClosedByServer()).isTrue();
        }
        Eventually.await("destroy at shutdown", () -> events.contains("destroy"), () -> events);
        assertThat(events).filteredOn(e -> e.startsWith("going away on minihttp-worker-")).hasSize(1);
        assertThat(events.indexOf("destroy")).isGreaterThan(events.indexOf(
                events.stream().filter(e -> e.startsWith("going away")).findFirst().orElseThrow()));
    }

    /** Repeated: a stop right after the 101 may come before the switch happened on the I/O thread. */
    @RepeatedTest(10)
    void stopClosesAnUpgradedConnection() throws Exception {
        start(ServerOptions.builder().workerThreads(2));
        try (RawConnection client = new RawConnection(server.server.port())) {
            client.send(UPGRADE);
            assertThat(client.readHead()).startsWith("HTTP/1.1 101 ");
            server.server.stop();
            assertThat(client.isClosedByServer()).isTrue();
        }
        Eventually.await("destroy at stop", () -> events.contains("destroy"), () -> events);
    }

    @Test
    void idleUpgradedConnectionIsClosedAfterTheUpgradeIdleTimeout() throws Exception {
        start(ServerOptions.builder().workerThreads(2).upgradeIdleTimeout(Duration.ofMillis(300)));
        try (RawConnection client = new RawConnection(server.server.port())) {
            client.send(UPGRADE);
            assertThat(client.readHead()).startsWith("HTTP/1.1 101 ");
            assertThat(client.isClosedByServer()).isTrue();
        }
        Eventually.await("destroy after the idle timeout", () -> events.contains("destroy"), () -> events);
        assertThat(events).contains("read error");
    }
}
