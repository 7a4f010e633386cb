package dev.minihttp.reliability;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.minihttp.server.Eventually;
import dev.minihttp.server.RawConnection;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1 under a crowd: thousands of idle connections, slowloris heads, slow bodies, slow
 * readers, half-closed and reset connections, all at once, while a normal client keeps being
 * served. With short configured timeouts every hostile connection is closed by the server's own
 * timeout (its client side is still open when the server's count reaches zero), no worker ever
 * runs one of their requests but the slow readers', and those are released by the write timeout.
 */
@LeakChecked
class HostileClientsTest {

    private static final int BIG = 4 * 1024 * 1024;
    private static final int WORKERS = 4;

    private final Set<String> handledPaths = ConcurrentHashMap.newKeySet();
    private final List<Socket> hostile = new ArrayList<>();
    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(ServerOptions.builder()
                .workerThreads(WORKERS)
                .requestHeadTimeout(Duration.ofSeconds(1))
                // Long enough that the idle crowd is still open when its last member connects, even on a
                // machine so busy that opening 2,000 sockets takes seconds (the peak check below).
                .idleTimeout(Duration.ofSeconds(5))
                .minBodyRate(1000)
                .bodyRateGracePeriod(Duration.ofMillis(500))
                .writeTimeout(Duration.ofSeconds(1)), (request, response) -> {
                    handledPaths.add(request.path());
                    request.body().readAllBytes();
                    if (request.path().startsWith("/big")) {
                        byte[] piece = new byte[64 * 1024];
                        for (int i = 0; i < BIG / piece.length; i++) {
                            response.body().write(piece);
                        }
                        return;
                    }
                    response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII));
                });
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : hostile) {
            socket.close();
        }
        server.close();
    }

    /** Idle sockets to open: 2,000, or fewer when the descriptor limit (two per connection here) is lower. */
    private static int idleConnections() {
        long limit = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        long open = ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getOpenFileDescriptorCount();
        return (int) Math.max(50, Math.min(2000, (limit - open - 1000) / 2));
    }

    private Socket open() throws IOException {
        Socket socket = new Socket();
        hostile.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        return socket;
    }

    /** Reads one small response, head and Content-Length body, so that the connection is idle again. */
    private static void readWholeResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the response head ended: " + head);
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
        in.readNBytes(length);
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    /** Resets instead of closing: SO_LINGER 0 makes close() send an RST. */
    private static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Test
    void crowdOfHostileConnectionsIsTimedOutWhileNormalTrafficIsServed() throws Exception {
        // Idle keep-alive connections: one request each, then silence. (A connection that never sends
        // a request is bounded by the shorter request-head timeout and would be gone before the
        // crowd is complete on a busy machine.)
        int idle = idleConnections();
        for (int i = 0; i < idle; i++) {
            Socket socket = open();
            send(socket, "GET /normal-idle-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
            readWholeResponse(socket);
        }
        List<Socket> slowloris = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Socket socket = open();
            send(socket, "GET /slowloris-" + i + " HTTP/1.1\r\nHost: x\r\n");
            slowloris.add(socket);
        }
        List<Socket> slowBodies = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket socket = open();
            send(socket, "POST /slow-body-" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nstart");
            slowBodies.add(socket);
        }
        List<Socket> slowReaders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Socket socket = new Socket();
            hostile.add(socket);
            socket.setReceiveBufferSize(8 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
            send(socket, "GET /big-slow-reader-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
            slowReaders.add(socket);
        }
        for (int i = 0; i < 20; i++) {
            Socket halfClosedHead = open();
            send(halfClosedHead, "GET /half-closed-head-" + i + " HTTP/1.1\r\nHost: x\r\nX-Partial: ");
            halfClosedHead.shutdownOutput();
            Socket halfClosedBody = open();
            send(halfClosedBody, "POST /half-closed-body-" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial");
            halfClosedBody.shutdownOutput();
            Socket resetHead = open();
            send(resetHead, "GET /reset-head-" + i + " HTTP/1.1\r\nHost: x\r\nX-Part");
            reset(resetHead);
            Socket resetBody = open();
            send(resetBody, "POST /reset-body-" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "b".repeat(50_000));
            reset(resetBody);
        }
        for (int i = 0; i < 2; i++) {
            Socket resetMidResponse = open();
            send(resetMidResponse, "GET /big-reset-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
            resetMidResponse.getInputStream().readNBytes(1000);
            reset(resetMidResponse);
        }

        // The tricklers keep going (a byte per connection every 100 ms) until the server cuts them off.
        AtomicBoolean stopTrickling = new AtomicBoolean();
        AtomicInteger cutOff = new AtomicInteger();
        Thread trickler = new Thread(() -> {
            List<Socket> alive = new ArrayList<>(slowloris);
            alive.addAll(slowBodies);
            while (!alive.isEmpty() && !stopTrickling.get()) {
                for (Socket socket : new ArrayList<>(alive)) {
                    try {
                        send(socket, "a");
                    } catch (IOException closedByServer) {
                        alive.remove(socket);
                        cutOff.incrementAndGet();
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-trickler");
        trickler.start();

        // Normal traffic meanwhile, on new and on keep-alive connections; and a watch on the workers.
        WorkerWatch watch = new WorkerWatch(server, p -> p.startsWith("/normal") || p.startsWith("/big"));
        int served = 0;
        try {
            try (RawConnection keepAlive = server.connect()) {
                for (int i = 0; i < 100; i++) {
                    keepAlive.send("GET /normal-ka-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(keepAlive.readResponse().text()).isEqualTo("ok /normal-ka-" + i);
                    served++;
                    try (RawConnection fresh = server.connect()) {
                        fresh.send("GET /normal-new-" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                        assertThat(fresh.readResponse().text()).isEqualTo("ok /normal-new-" + i);
                        served++;
                    }
                }
            }
            // Every hostile connection ends by the server's timeouts while its client side stays open.
            Eventually.await("every trickler cut off by the server", () -> cutOff.get() == 120, cutOff::get);
            Eventually.awaitStats(server, "every hostile connection closed by the server and no worker busy",
                    s -> s.connections() == 0 && s.busyThreads() == 0 && s.queueSize() == 0);
        } finally {
            watch.close();
            stopTrickling.set(true);
            trickler.join(5000);
        }
        assertThat(served).isEqualTo(200);
        assertThat(watch.peakConnections()).as("the crowd was there at once").isGreaterThan(idle / 2);
        assertThat(watch.misuse()).as("a worker ran a hostile request").isNull();
        assertThat(handledPaths).allMatch(p -> p.startsWith("/normal") || p.startsWith("/big"));
        assertThat(server.stats().rejected()).isEmpty();

        // The slow readers were cut off: what they can still read ends before the 4 MiB body does.
        for (Socket reader : slowReaders) {
            assertThat(drain(reader)).isLessThan(BIG);
        }
        // A slowloris head ends with a 408 (or a reset, when the server closed with our bytes unread).
        for (Socket socket : slowloris.subList(0, 5)) {
            String answer = readAnswer(socket);
            assertThat(answer).satisfiesAnyOf(a -> assertThat(a).startsWith("HTTP/1.1 408"), a -> assertThat(a).isEmpty());
        }
        for (Socket socket : hostile.subList(0, Math.min(20, idle))) {
            assertThat(readAnswer(socket)).as("an idle connection gets no answer, only a close").isEmpty();
        }
    }

    @Test
    void clientThatHalfClosesWhileReadingALargeResponseGetsAllOfIt() throws Exception {
        Socket socket = open();
        send(socket, "GET /big-half-close HTTP/1.1\r\nHost: x\r\n\r\n");
        InputStream in = socket.getInputStream();
        byte[] start = in.readNBytes(1000);
        assertThat(new String(start, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        socket.shutdownOutput();
        long total = start.length + drain(socket);
        // Head, chunked framing and 4 MiB of body: all of it arrived, then the server closed.
        assertThat(total).isGreaterThan(BIG);
        Eventually.awaitStats(server, "the connection closed", s -> s.connections() == 0 && s.busyThreads() == 0);
    }

    /** Reads until EOF or reset; returns the number of bytes. */
    private static long drain(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        long received = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                received += n;
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server did not close the connection", stillOpen);
        } catch (IOException reset) {
            // a reset ends it as well
        }
        return received;
    }

    /** What the server sent before it closed ("" when nothing, or when a reset destroyed it). */
    private static String readAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server did not close the connection", stillOpen);
        } catch (IOException reset) {
            return "";
        }
    }
}
