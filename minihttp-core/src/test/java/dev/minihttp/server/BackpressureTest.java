package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A slow reader of a large streamed response: the worker waits (back-pressure above the high
 * watermark) instead of buffering the whole body, and the body arrives intact once the client reads.
 */
@LeakChecked
class BackpressureTest {

    private static final int PIECE = 64 * 1024;
    private static final int PIECES = 320; // 20 MiB: more than loopback socket buffers can hold

    private static byte[] piece(int index) {
        byte[] piece = new byte[PIECE];
        byte[] label = String.format("piece %05d ", index).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < PIECE; i++) {
            piece[i] = label[i % label.length];
        }
        return piece;
    }

    @Test
    void workerWaitsForASlowReaderAndTheBodyArrivesIntact() throws Exception {
        AtomicLong written = new AtomicLong();
        AtomicBoolean handlerDone = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (RunningServer server = RunningServer.start(ServerOptions.builder()
                .workerThreads(2).writeTimeout(Duration.ofSeconds(60)), (request, response) -> {
                    try {
                        for (int i = 0; i < PIECES; i++) {
                            response.body().write(piece(i));
                            written.addAndGet(PIECE);
                        }
                        handlerDone.set(true);
                    } catch (Exception | Error e) {
                        failure.set(e);
                        throw e;
                    }
                });
             Socket client = new Socket()) {
            client.setReceiveBufferSize(64 * 1024);
            client.connect(new InetSocketAddress("127.0.0.1", server.port()));
            client.setSoTimeout(30_000);
            client.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

            Eventually.await("the handler to start writing", () -> written.get() > 0);
            // Wait until the writer has stopped making progress: the socket buffers and the
            // watermark are full. Polling for "no change over a few samples" is waiting, not timing.
            long last = -1;
            int stable = 0;
            while (stable < 5) {
                Thread.sleep(100);
                long now = written.get();
                stable = now == last ? stable + 1 : 0;
                last = now;
                assertThat(handlerDone).as("the handler finished without a reader: nothing held it back").isFalse();
            }
            assertThat(written.get()).isLessThan((long) PIECE * PIECES);
            assertThat(server.stats().busyThreads()).isEqualTo(1);
            assertThat(server.stats().workers().stream().filter(ServerStats.WorkerActivity::busy)).singleElement()
                    .satisfies(activity -> assertThat(activity.path()).isEqualTo("/stream"));

            InputStream in = client.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("Transfer-Encoding: chunked");
            byte[] body = readChunked(in);
            assertThat(body.length).isEqualTo(PIECE * PIECES);
            for (int i = 0; i < PIECES; i++) {
                byte[] expected = piece(i);
                for (int j = 0; j < PIECE; j++) {
                    if (body[i * PIECE + j] != expected[j]) {
                        throw new AssertionError("body differs at byte " + (i * PIECE + j));
                    }
                }
            }
            Eventually.await("the handler to finish", handlerDone::get);
            assertThat(failure.get()).isNull();
            Eventually.awaitStats(server, "an idle worker", s -> s.busyThreads() == 0);
        }
    }

    /**
     * A server whose workers finish a 12 MiB response without waiting for the client: the high
     * watermark is above the body size, so what the socket does not take stays pending on the
     * I/O thread after the exchange ended.
     */
    private static RunningServer startWithLargeWatermark(AtomicBoolean handlerDone) {
        return startWithLargeWatermark(handlerDone, ServerOptions.builder());
    }

    private static RunningServer startWithLargeWatermark(AtomicBoolean handlerDone, ServerOptions.Builder options) {
        return RunningServer.start(options.workerThreads(2)
                .outputHighWatermark(16 * 1024 * 1024).writeTimeout(Duration.ofSeconds(60)), (request, response) -> {
                    for (int i = 0; i < LARGE_PIECES; i++) {
                        response.body().write(piece(i));
                    }
                    handlerDone.set(true);
                });
    }

    private static final int LARGE_PIECES = 192; // 12 MiB

    private static Socket connectSlowReader(RunningServer server) throws Exception {
        Socket client = new Socket();
        client.setReceiveBufferSize(64 * 1024);
        client.connect(new InetSocketAddress("127.0.0.1", server.port()));
        client.setSoTimeout(30_000);
        return client;
    }

    private static void assertLargeBody(byte[] body) {
        assertThat(body.length).isEqualTo(PIECE * LARGE_PIECES);
        for (int i = 0; i < LARGE_PIECES; i++) {
            byte[] expected = piece(i);
            for (int j = 0; j < PIECE; j++) {
                if (body[i * PIECE + j] != expected[j]) {
                    throw new AssertionError("body differs at byte " + (i * PIECE + j));
                }
            }
        }
    }

    @Test
    void connectionCloseResponseStillPendingIsDeliveredWhole() throws Exception {
        AtomicBoolean handlerDone = new AtomicBoolean();
        try (RunningServer server = startWithLargeWatermark(handlerDone); Socket client = connectSlowReader(server)) {
            client.getOutputStream().write("GET /close HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Eventually.await("the handler to finish", handlerDone::get);
            Eventually.awaitStats(server, "the worker released", s -> s.busyThreads() == 0);
            // Longer than the server lingers after a response: the flush must not be bounded by that,
            // only by the write timeout (60 s here).
            Thread.sleep(3000);
            InputStream in = client.getInputStream();
            assertThat(readHead(in)).containsIgnoringCase("Connection: close");
            assertLargeBody(readChunked(in));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void clientThatHalfClosesAfterItsRequestStillGetsTheWholeResponse() throws Exception {
        AtomicBoolean handlerDone = new AtomicBoolean();
        try (RunningServer server = startWithLargeWatermark(handlerDone); Socket client = connectSlowReader(server)) {
            // As `nc -N` or a shell pipe does: request, then end of input, then read the answer.
            client.getOutputStream().write("GET /half HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            Eventually.await("the handler to finish", handlerDone::get);
            Eventually.awaitStats(server, "the worker released", s -> s.busyThreads() == 0);
            InputStream in = client.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            assertLargeBody(readChunked(in));
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void idleTimeoutDoesNotCutAResponseStillBeingSent() throws Exception {
        AtomicBoolean handlerDone = new AtomicBoolean();
        try (RunningServer server = startWithLargeWatermark(handlerDone,
                ServerOptions.builder().idleTimeout(Duration.ofMillis(300)));
             Socket client = connectSlowReader(server)) {
            client.getOutputStream().write("GET /keep HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Eventually.await("the handler to finish", handlerDone::get);
            Eventually.awaitStats(server, "the worker released", s -> s.busyThreads() == 0);
            // Several idle timeouts pass while the response waits for the reader: the connection is
            // not idle, it is sending (and the 60 s write timeout bounds that).
            Thread.sleep(1500);
            InputStream in = client.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            assertLargeBody(readChunked(in));
            // Once the response is out, the idle timeout applies again.
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void gracefulShutdownDeliversAKeepAliveResponseStillBeingSent() throws Exception {
        AtomicBoolean handlerDone = new AtomicBoolean();
        try (RunningServer server = startWithLargeWatermark(handlerDone); Socket client = connectSlowReader(server)) {
            client.getOutputStream().write("GET /keep HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            Eventually.await("the handler to finish", handlerDone::get);
            Eventually.awaitStats(server, "the worker released", s -> s.busyThreads() == 0);
            java.util.concurrent.CompletableFuture<Boolean> shutdown =
                    server.server.shutdownGracefullyAsync(Duration.ofSeconds(20));
            Eventually.await("the server to start draining", () -> !server.server.isRunning());
            Thread.sleep(500); // a few I/O sweeps, which close idle connections while draining
            InputStream in = client.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 200");
            assertLargeBody(readChunked(in));
            assertThat(in.read()).isEqualTo(-1);
            assertThat(shutdown.get(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    private static String readHead(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            assertThat(b).isNotNegative();
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    private static byte[] readChunked(InputStream in) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream(PIECE * PIECES);
        java.io.DataInputStream data = new java.io.DataInputStream(new java.io.BufferedInputStream(in, 64 * 1024));
        while (true) {
            String sizeLine = readLine(data);
            int size = Integer.parseInt(sizeLine, 16);
            if (size == 0) {
                assertThat(readLine(data)).isEmpty();
                return body.toByteArray();
            }
            byte[] chunk = new byte[size];
            data.readFully(chunk);
            body.write(chunk);
            assertThat(readLine(data)).isEmpty();
        }
    }

    private static String readLine(java.io.DataInputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            assertThat(b).isNotNegative();
            if (b == '\n') {
                assertThat(line.charAt(line.length() - 1)).isEqualTo('\r');
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
    }
}
