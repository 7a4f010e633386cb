package dev.minihttp.server;

import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.FrameListener;
import dev.minihttp.http2.FrameReader;
import dev.minihttp.http2.FrameReaderLimits;
import dev.minihttp.http2.FrameWriter;
import dev.minihttp.http2.Http2Exception;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.http2.Preface;
import dev.minihttp.http2.hpack.HeaderBlock;
import dev.minihttp.http2.hpack.HpackDecoder;
import dev.minihttp.http2.hpack.HpackEncoder;
import dev.minihttp.http2.hpack.HpackException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A raw HTTP/2 client over a plain socket with prior knowledge, for the tests that need exact
 * frames on the wire: it sends whatever it is told (valid or not) and records every frame the
 * server sends, response field blocks decoded. Reads time out, so a test never hangs on a server
 * that says nothing.
 */
final class RawHttp2 implements AutoCloseable {

    static final int DATA = 0x0, HEADERS = 0x1, PRIORITY = 0x2, RST_STREAM = 0x3, SETTINGS = 0x4,
            PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
    static final int END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8;

    /**
     * One frame the server sent. {@code fields} for HEADERS, {@code data} for (a piece of) DATA,
     * {@code code} for RST_STREAM and GOAWAY, {@code value} for the GOAWAY's last stream id, a
     * WINDOW_UPDATE's increment or a PING's payload.
     */
    record Frame(int type, int streamId, boolean endStream, boolean ack, Map<String, String> fields, byte[] data,
            ErrorCode code, long value, Http2Settings settings) {

        @Override
        public String toString() {
            String what = switch (type) {
                case DATA -> "DATA(" + data.length + ")";
                case HEADERS -> "HEADERS" + fields;
                case RST_STREAM -> "RST_STREAM " + code;
                case SETTINGS -> ack ? "SETTINGS ACK" : "SETTINGS " + settings;
                case PING -> "PING" + (ack ? " ACK" : "");
                case GOAWAY -> "GOAWAY last=" + value + " " + code + " " + new String(data, StandardCharsets.US_ASCII);
                case WINDOW_UPDATE -> "WINDOW_UPDATE +" + value;
                default -> "type " + type;
            };
            return what + " on " + streamId + (endStream ? " END_STREAM" : "");
        }
    }

    /** A response on one stream: what its HEADERS and DATA said, or the RST_STREAM that ended it. */
    record Response(int status, Map<String, String> fields, byte[] body, ErrorCode reset) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final HpackEncoder encoder = new HpackEncoder();
    private final HeaderBlock block = new HeaderBlock();
    private final HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_TABLE_SIZE, 1 << 20);
    private final FrameReader reader = new FrameReader(new FrameReaderLimits(Http2Settings.MAX_MAX_FRAME_SIZE, 1 << 20, 1000));
    private final ArrayDeque<Frame> received = new ArrayDeque<>();
    /** Every frame read so far, taken or not, for assertions on what never came. */
    private final List<Frame> seen = new ArrayList<>();
    private final byte[] readBuffer = new byte[64 * 1024];
    private boolean eof;

    private RawHttp2(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(5_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Connected, nothing sent yet. */
    static RawHttp2 open(int port) throws IOException {
        return new RawHttp2(port);
    }

    /** The preface and an empty SETTINGS: an HTTP/2 connection by prior knowledge. */
    static RawHttp2 connect(int port) throws IOException {
        return connect(port, Http2Settings.defaults());
    }

    static RawHttp2 connect(int port, Http2Settings settings) throws IOException {
        RawHttp2 client = new RawHttp2(port);
        client.raw(Preface.bytes());
        client.settings(settings);
        return client;
    }

    // ---- sending -------------------------------------------------------------------------------

    private ByteArrayOutputStream batch;

    RawHttp2 raw(byte[] bytes) throws IOException {
        if (batch != null) {
            batch.writeBytes(bytes);
            return this;
        }
        out.write(bytes);
        out.flush();
        return this;
    }

    interface Sends {
        void send(RawHttp2 client) throws IOException;
    }

    /**
     * What {@code sends} sends, in one write: a flood reaches the server faster than its budgets
     * refill, and is all in the socket's buffer before the server's GOAWAY could cut it short.
     */
    RawHttp2 batch(Sends sends) throws IOException {
        batch = new ByteArrayOutputStream();
        try {
            sends.send(this);
        } finally {
            byte[] bytes = batch.toByteArray();
            batch = null;
            raw(bytes);
        }
        return this;
    }

    /** Any frame, as given: the frame header written here, the payload as is. */
    RawHttp2 frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(streamId).put(payload);
        return raw(frame.array());
    }

    /** A request's HEADERS: {@code :method}, {@code :scheme http}, {@code :authority}, {@code :path}, then {@code extra} name/value pairs. */
    RawHttp2 request(int streamId, String method, String path, boolean endStream, String... extra) throws IOException {
        List<String> fields = new ArrayList<>(List.of(":method", method, ":scheme", "http", ":authority", "localhost", ":path", path));
        fields.addAll(List.of(extra));
        return headers(streamId, endStream, fields.toArray(new String[0]));
    }

    RawHttp2 get(int streamId, String path) throws IOException {
        return request(streamId, "GET", path, true);
    }

    /** HEADERS (and CONTINUATIONs past 16 KiB) with END_HEADERS: name/value pairs HPACK-encoded by this connection's encoder. */
    RawHttp2 headers(int streamId, boolean endStream, String... nameValues) throws IOException {
        return headerBlock(streamId, endStream, encode(nameValues));
    }

    /** A field block as HEADERS (+ CONTINUATIONs) with END_HEADERS. */
    RawHttp2 headerBlock(int streamId, boolean endStream, byte[] block) throws IOException {
        FrameWriter frames = new FrameWriter();
        ByteBuffer frame = ByteBuffer.allocate(frames.headersLength(block.length));
        frames.headers(frame, streamId, ByteBuffer.wrap(block), endStream);
        return raw(frame.array());
    }

    /** Name/value pairs through the connection's encoder (its dynamic table moves: send what it returns). */
    byte[] encode(String... nameValues) {
        block.clear();
        encoder.startBlock(block);
        for (int i = 0; i < nameValues.length; i += 2) {
            encoder.header(block, nameValues[i], nameValues[i + 1]);
        }
        return block.toByteArray();
    }

    /**
     * Name/value pairs as HPACK literals without indexing and without Huffman, names as given
     * (uppercase too, which the encoder refuses): no table changes, so it mixes with {@link #encode}.
     */
    static byte[] literals(String... nameValues) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            bytes.write(0x00);
            string(bytes, nameValues[i]);
            string(bytes, nameValues[i + 1]);
        }
        return bytes.toByteArray();
    }

    private static void string(ByteArrayOutputStream bytes, String s) {
        byte[] octets = s.getBytes(StandardCharsets.ISO_8859_1);
        int length = octets.length;
        if (length < 127) {
            bytes.write(length);
        } else {
            bytes.write(127);
            length -= 127;
            while (length >= 128) {
                bytes.write((length & 0x7f) | 0x80);
                length >>>= 7;
            }
            bytes.write(length);
        }
        bytes.writeBytes(octets);
    }

    static byte[] join(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }

    RawHttp2 data(int streamId, byte[] data, boolean endStream) throws IOException {
        return frame(DATA, endStream ? END_STREAM : 0, streamId, data);
    }

    RawHttp2 data(int streamId, String text, boolean endStream) throws IOException {
        return data(streamId, text.getBytes(StandardCharsets.UTF_8), endStream);
    }

    RawHttp2 rstStream(int streamId, ErrorCode code) throws IOException {
        return frame(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(code.code()).array());
    }

    RawHttp2 ping(long payload) throws IOException {
        return frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(payload).array());
    }

    RawHttp2 settings(Http2Settings settings) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(9 + settings.encodedLength());
        FrameWriter.settings(frame, settings);
        return raw(frame.array());
    }

    RawHttp2 settingsAck() throws IOException {
        return frame(SETTINGS, ACK, 0, new byte[0]);
    }

    RawHttp2 windowUpdate(int streamId, int increment) throws IOException {
        return frame(WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt(increment).array());
    }

    RawHttp2 priority(int streamId, int dependency, int weight) throws IOException {
        return frame(PRIORITY, 0, streamId, ByteBuffer.allocate(5).putInt(dependency).put((byte) (weight - 1)).array());
    }

    RawHttp2 continuation(int streamId, byte[] fragment, boolean endHeaders) throws IOException {
        return frame(CONTINUATION, endHeaders ? END_HEADERS : 0, streamId, fragment);
    }

    /** Our HPACK decoder's table size, after announcing it in SETTINGS_HEADER_TABLE_SIZE (the server's next block must say so). */
    RawHttp2 decoderTableSize(int size) {
        decoder.setMaxTableSize(size);
        return this;
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** The next frame the server sent; fails the test when none comes within the read timeout or the connection ends. */
    Frame next() throws IOException {
        Frame frame = poll();
        if (frame == null) {
            throw new AssertionError("the connection closed; no frame came");
        }
        return frame;
    }

    /** The next frame, or null once the connection is closed; fails the test on the read timeout. */
    Frame poll() throws IOException {
        while (received.isEmpty()) {
            if (!readMore()) {
                return null;
            }
        }
        return received.poll();
    }

    /** One read of the socket into frames; false once the connection is closed. */
    private boolean readMore() throws IOException {
        if (eof) {
            return false;
        }
        int n;
        try {
            n = in.read(readBuffer);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within the read timeout; seen: " + seen + threads(), e);
        } catch (IOException e) {
            n = -1; // a reset after the server's last frame: closed all the same
        }
        if (n < 0) {
            eof = true;
            return false;
        }
        try {
            reader.read(ByteBuffer.wrap(readBuffer, 0, n), recorder);
        } catch (Http2Exception e) {
            throw new AssertionError("the server sent a malformed frame: " + e.getMessage(), e);
        }
        return true;
    }

    /** An HTTP/1.1 response head (before an h2c upgrade), read byte by byte so no frame after it is taken. */
    String readHttp1Head() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed in the HTTP/1.1 head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String threads() {
        StringBuilder dump = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("minihttp-")) {
                dump.append("\n").append(thread.getName()).append(" ").append(thread.getState());
                for (StackTraceElement frame : stack) {
                    dump.append("\n    at ").append(frame);
                }
            }
        });
        return dump.toString();
    }

    /**
     * The first frame that matches, from those received and not taken yet, then from the socket;
     * frames that do not match stay for later calls (a response on another stream, say).
     */
    Frame await(String what, Predicate<Frame> match) throws IOException {
        while (true) {
            for (java.util.Iterator<Frame> it = received.iterator(); it.hasNext(); ) {
                Frame frame = it.next();
                if (match.test(frame)) {
                    it.remove();
                    return frame;
                }
            }
            if (!readMore()) {
                throw new AssertionError("the connection closed before " + what + "; seen: " + seen);
            }
        }
    }

    /** A PING and its ACK: every frame the server sent before it answered has been read. */
    RawHttp2 sync() throws IOException {
        long payload = System.nanoTime();
        ping(payload);
        await("the PING ACK", f -> f.type() == PING && f.ack() && f.value() == payload);
        return this;
    }

    Frame awaitGoAway() throws IOException {
        return await("GOAWAY", f -> f.type() == GOAWAY);
    }

    Frame awaitReset(int streamId) throws IOException {
        return await("RST_STREAM on " + streamId, f -> f.type() == RST_STREAM && f.streamId() == streamId);
    }

    /** The response on {@code streamId}: HEADERS (after any 1xx), DATA to END_STREAM; or the stream's RST_STREAM. */
    Response response(int streamId) throws IOException {
        int status = 0;
        Map<String, String> fields = Map.of();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            Frame frame = await("the end of stream " + streamId,
                    f -> f.streamId() == streamId || f.type() == GOAWAY && f.code() != ErrorCode.NO_ERROR);
            if (frame.type() == GOAWAY) {
                throw new AssertionError("GOAWAY instead of a response on " + streamId + ": " + frame);
            }
            if (frame.type() == RST_STREAM) {
                return new Response(status, fields, body.toByteArray(), frame.code());
            }
            if (frame.type() == HEADERS && status == 0) {
                int s = Integer.parseInt(frame.fields().get(":status"));
                if (s >= 200) {
                    status = s;
                    fields = frame.fields();
                }
            }
            if (frame.type() == DATA) {
                body.writeBytes(frame.data());
            }
            if (frame.endStream()) {
                return new Response(status, fields, body.toByteArray(), null);
            }
        }
    }

    /** Reads to the end of the connection (frames dropped): true once the server closed it. */
    boolean awaitClosed() throws IOException {
        while (poll() != null) {
            // drained
        }
        return true;
    }

    /** Every frame read so far, in order. */
    List<Frame> seen() {
        return List.copyOf(seen);
    }

    /** Frames read so far of one type on one stream. */
    List<Frame> seen(int type, int streamId) {
        return seen.stream().filter(f -> f.type() == type && f.streamId() == streamId).toList();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private final FrameListener recorder = new FrameListener() {
        @Override
        public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlledLength) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            add(new Frame(DATA, streamId, endStream, false, null, bytes, null, flowControlledLength, null));
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream) {
            Map<String, String> fields = new LinkedHashMap<>();
            try {
                decoder.decode(headerBlock, fields::put);
            } catch (HpackException e) {
                throw new AssertionError("the server's field block does not decode", e);
            }
            add(new Frame(HEADERS, streamId, endStream, false, fields, null, null, 0, null));
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            add(new Frame(RST_STREAM, streamId, false, false, null, null, ErrorCode.of(errorCode), 0, null));
        }

        @Override
        public void onSettings(Http2Settings settings) {
            add(new Frame(SETTINGS, 0, false, false, null, null, null, 0, settings));
        }

        @Override
        public void onSettingsAck() {
            add(new Frame(SETTINGS, 0, false, true, null, null, null, 0, null));
        }

        @Override
        public void onPing(boolean ack, long payload) {
            add(new Frame(PING, 0, false, ack, null, null, null, payload, null));
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
            byte[] debug = new byte[debugData.remaining()];
            debugData.get(debug);
            add(new Frame(GOAWAY, 0, false, false, null, debug, ErrorCode.of(errorCode), lastStreamId, null));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            add(new Frame(WINDOW_UPDATE, streamId, false, false, null, null, null, increment, null));
        }

        private void add(Frame frame) {
            received.add(frame);
            seen.add(frame);
        }
    };
}
