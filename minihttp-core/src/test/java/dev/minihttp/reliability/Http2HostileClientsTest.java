package dev.minihttp.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.http2.FrameListener;
import dev.minihttp.http2.FrameReader;
import dev.minihttp.http2.FrameWriter;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.http2.Preface;
import dev.minihttp.http2.hpack.HeaderBlock;
import dev.minihttp.http2.hpack.HpackEncoder;
import dev.minihttp.server.Eventually;
import dev.minihttp.server.Http2Options;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
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
 * Invariant 1 over HTTP/2, under a crowd: idle HTTP/2 connections, connections that never send
 * their preface, frames cut in half (slowloris in frames), streams whose bodies trickle, streams
 * whose client never opens its flow-control window, all at once, while normal HTTP/2 requests are
 * served on new connections. Every hostile connection is ended by the server's own timeouts, no
 * worker runs a hostile request but the stalled readers' (released by the write timeout), and
 * nothing is left.
 */
@LeakChecked
class Http2HostileClientsTest {

    private static final int WORKERS = 4;

    private final Set<String> handledPaths = ConcurrentHashMap.newKeySet();
    private final List<Socket> hostile = new ArrayList<>();
    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(ServerOptions.builder()
                .workerThreads(WORKERS)
                .http2(Http2Options.defaults())
                .requestHeadTimeout(Duration.ofSeconds(1))
                .idleTimeout(Duration.ofSeconds(3))
                .minBodyRate(1000)
                .bodyRateGracePeriod(Duration.ofMillis(500))
                .writeTimeout(Duration.ofSeconds(1)), (request, response) -> {
                    handledPaths.add(request.path());
                    request.body().readAllBytes();
                    if (request.path().startsWith("/big")) {
                        response.body().write(new byte[1024 * 1024]);
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

    /** One client connection's frames, with its own HPACK encoder (the table is per connection). */
    private static final class Frames {
        final HpackEncoder encoder = new HpackEncoder();
        final FrameWriter writer = new FrameWriter();

        static byte[] preface(Http2Settings settings) {
            ByteBuffer out = ByteBuffer.allocate(Preface.LENGTH + FrameWriter.FRAME_HEADER_LENGTH + settings.encodedLength());
            out.put(Preface.bytes());
            FrameWriter.settings(out, settings);
            return out.array();
        }

        byte[] headers(int streamId, String method, String path, boolean endStream, String... fields) {
            HeaderBlock block = new HeaderBlock();
            encoder.startBlock(block);
            encoder.header(block, ":method", method);
            encoder.header(block, ":scheme", "http");
            encoder.header(block, ":authority", "localhost");
            encoder.header(block, ":path", path);
            for (int i = 0; i < fields.length; i += 2) {
                encoder.header(block, fields[i], fields[i + 1]);
            }
            ByteBuffer out = ByteBuffer.allocate(writer.headersLength(block.length()));
            writer.headers(out, streamId, block.asByteBuffer(), endStream);
            return out.array();
        }

        byte[] data(int streamId, byte[] bytes, boolean endStream) {
            ByteBuffer out = ByteBuffer.allocate(FrameWriter.FRAME_HEADER_LENGTH + bytes.length);
            writer.data(out, streamId, ByteBuffer.wrap(bytes), endStream);
            return out.array();
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket();
        hostile.add(socket);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
        return socket;
    }

    private static void send(Socket socket, byte[]... pieces) throws IOException {
        for (byte[] piece : pieces) {
            socket.getOutputStream().write(piece);
        }
        socket.getOutputStream().flush();
    }

    /** A normal request on a new prior-knowledge connection: the body of stream 1's response. */
    private String normalRequest(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(20_000);
            Frames frames = new Frames();
            send(socket, Frames.preface(Http2Settings.defaults()), frames.headers(1, "GET", path, true));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            AtomicBoolean ended = new AtomicBoolean();
            FrameReader reader = new FrameReader();
            FrameListener listener = new FrameListener() {
                @Override
                public void onData(int streamId, ByteBuffer data, boolean endStream, int length) {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    body.write(bytes, 0, bytes.length);
                    ended.compareAndSet(false, endStream);
                }

                @Override
                public void onHeaders(int streamId, ByteBuffer block, boolean endStream) {
                    ended.compareAndSet(false, endStream);
                }

                @Override
                public void onRstStream(int streamId, int errorCode) {
                    throw new IllegalStateException("stream reset: " + errorCode);
                }

                @Override
                public void onSettings(Http2Settings settings) {
                }

                @Override
                public void onSettingsAck() {
                }

                @Override
                public void onPing(boolean ack, long payload) {
                }

                @Override
                public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
                }

                @Override
                public void onWindowUpdate(int streamId, int increment) {
                }
            };
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            while (!ended.get()) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("closed before the response ended");
                }
                try {
                    reader.read(ByteBuffer.wrap(buffer, 0, n), listener);
                } catch (dev.minihttp.http2.Http2Exception e) {
                    throw new IOException(e.toString());
                }
            }
            return body.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void crowdOfHostileHttp2ConnectionsIsTimedOutWhileNormalStreamsAreServed() throws Exception {
        // Idle: preface, SETTINGS and one answered request each, then silence (the idle timeout ends them).
        List<Socket> idle = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket socket = open();
            send(socket, Frames.preface(Http2Settings.defaults()), new Frames().headers(1, "GET", "/normal-idle-" + i, true));
            idle.add(socket);
        }
        // Never a preface: a stalled start, bounded like a request head.
        for (int i = 0; i < 50; i++) {
            open();
        }
        // Half a frame header after the preface: slowloris in frames.
        for (int i = 0; i < 50; i++) {
            Socket socket = open();
            byte[] headers = new Frames().headers(1, "GET", "/half-frame-" + i, true);
            send(socket, Frames.preface(Http2Settings.defaults()), java.util.Arrays.copyOf(headers, 5));
        }
        // Bodies that trickle: 10 connections with 10 streams each, a byte now and then.
        List<Socket> tricklers = new ArrayList<>();
        List<Frames> tricklerFrames = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket socket = open();
            Frames frames = new Frames();
            send(socket, Frames.preface(Http2Settings.defaults()));
            for (int s = 0; s < 10; s++) {
                send(socket, frames.headers(1 + 2 * s, "POST", "/slow-body-" + i + "-" + s, false, "content-length", "1000000"),
                        frames.data(1 + 2 * s, "start".getBytes(StandardCharsets.US_ASCII), false));
            }
            tricklers.add(socket);
            tricklerFrames.add(frames);
        }
        // Readers that never open their window: the response waits in the stream's queue, the worker for
        // at most the write timeout.
        for (int i = 0; i < 2; i++) {
            Socket socket = open();
            send(socket, Frames.preface(Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0)),
                    new Frames().headers(1, "GET", "/big-stalled-" + i, true));
        }

        AtomicBoolean stopTrickling = new AtomicBoolean();
        Thread trickler = new Thread(() -> {
            while (!stopTrickling.get()) {
                for (int i = 0; i < tricklers.size(); i++) {
                    for (int s = 0; s < 10; s++) {
                        try {
                            send(tricklers.get(i), tricklerFrames.get(i).data(1 + 2 * s, new byte[] {'a'}, false));
                        } catch (IOException closedByServer) {
                            // the idle timeout ends the connection once its streams were answered 408
                        }
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-h2-trickler");
        trickler.start();

        WorkerWatch watch = new WorkerWatch(server, p -> p.startsWith("/normal") || p.startsWith("/big"));
        int served = 0;
        try {
            for (int i = 0; i < 50; i++) {
                assertThat(normalRequest("/normal-new-" + i)).isEqualTo("ok /normal-new-" + i);
                served++;
            }
            Eventually.awaitStats(server, "every hostile HTTP/2 connection closed by the server and no worker busy",
                    s -> s.connections() == 0 && s.busyThreads() == 0 && s.queueSize() == 0 && s.http2().activeStreams() == 0);
        } finally {
            watch.close();
            stopTrickling.set(true);
            trickler.join(5000);
        }
        assertThat(served).isEqualTo(50);
        assertThat(watch.peakConnections()).as("the crowd was there at once").isGreaterThan(250);
        assertThat(watch.misuse()).as("a worker ran a hostile request").isNull();
        assertThat(handledPaths).allMatch(p -> p.startsWith("/normal") || p.startsWith("/big"));
        assertThat(handledPaths).filteredOn(p -> p.startsWith("/normal-idle-")).hasSize(200);
        ServerStats.Http2Stats http2 = server.stats().http2();
        assertThat(http2.goAways()).containsKeys("idle", "timeout");
        assertThat(server.stats().rejected()).isEmpty();
    }

    /** Reads frames until the socket closes (or the read times out), recording what arrived. */
    private static List<String> framesUntilClosed(Socket socket) throws IOException {
        List<String> seen = new ArrayList<>();
        FrameReader reader = new FrameReader();
        FrameListener listener = new FrameListener() {
            @Override
            public void onData(int streamId, ByteBuffer data, boolean endStream, int length) {
                seen.add("DATA " + streamId);
            }

            @Override
            public void onHeaders(int streamId, ByteBuffer block, boolean endStream) {
                seen.add("HEADERS " + streamId);
            }

            @Override
            public void onRstStream(int streamId, int errorCode) {
                seen.add("RST_STREAM " + streamId);
            }

            @Override
            public void onSettings(Http2Settings settings) {
            }

            @Override
            public void onSettingsAck() {
            }

            @Override
            public void onPing(boolean ack, long payload) {
                seen.add(ack ? "PING ACK" : "PING");
            }

            @Override
            public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
                seen.add("GOAWAY " + errorCode);
            }

            @Override
            public void onWindowUpdate(int streamId, int increment) {
            }
        };
        byte[] buffer = new byte[16384];
        InputStream in = socket.getInputStream();
        while (true) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                seen.add("read " + e.getClass().getSimpleName());
                return seen;
            }
            if (n < 0) {
                seen.add("EOF");
                return seen;
            }
            try {
                reader.read(ByteBuffer.wrap(buffer, 0, n), listener);
            } catch (dev.minihttp.http2.Http2Exception e) {
                throw new IOException(e.toString());
            }
        }
    }

    @Test
    void aClientThatVanishesWhileItsStreamWaitsIsPingedThenClosed() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (RunningServer waiting = RunningServer.start(ServerOptions.builder().workerThreads(2)
                .http2(Http2Options.defaults()).idleTimeout(Duration.ofSeconds(1)).writeTimeout(Duration.ofSeconds(1)),
                (request, response) -> {
                    release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    response.body().write("late".getBytes(StandardCharsets.US_ASCII));
                });
             Socket socket = new Socket("127.0.0.1", waiting.port())) {
            socket.setSoTimeout(15_000);
            send(socket, Frames.preface(Http2Settings.defaults()), new Frames().headers(1, "GET", "/long-poll", true));
            // The client answers nothing from now on: the server's PING goes unanswered.
            List<String> seen = framesUntilClosed(socket);
            assertThat(seen).contains("PING", "GOAWAY 0").last().isEqualTo("EOF");
            assertThat(seen).doesNotContain("HEADERS 1");
            assertThat(waiting.stats().http2().goAways()).containsEntry("ping_timeout", 1L);
            release.countDown();
            Eventually.awaitStats(waiting, "the stream's worker done and the connection gone",
                    s -> s.busyThreads() == 0 && s.connections() == 0);
        }
    }
}
