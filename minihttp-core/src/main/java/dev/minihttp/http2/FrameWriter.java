package dev.minihttp.http2;

import java.nio.ByteBuffer;

/**
 * Encodes the frames a server sends (RFC 9113 section 6) into the caller's buffers; it never
 * allocates. Each method needs room for what it writes (the {@code *Length} methods say how
 * much) and throws {@link java.nio.BufferOverflowException} otherwise, having written nothing
 * useful. No PUSH_PROMISE: minihttp never pushes. No padding: it would only cost bandwidth.
 *
 * <p>The only state is the peer's SETTINGS_MAX_FRAME_SIZE, which bounds DATA and splits field
 * blocks; set it when the peer's SETTINGS arrive.
 */
public final class FrameWriter {

    public static final int FRAME_HEADER_LENGTH = FrameReader.FRAME_HEADER_LENGTH;

    private int maxFrameSize = Http2Settings.MIN_MAX_FRAME_SIZE;

    /** The peer's SETTINGS_MAX_FRAME_SIZE (16384 until it says otherwise). */
    public void maxFrameSize(int size) {
        if (size < Http2Settings.MIN_MAX_FRAME_SIZE || size > Http2Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("max frame size must be 16384..16777215, was " + size);
        }
        maxFrameSize = size;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * The 9-octet header of a DATA frame of {@code length} octets, for a payload the caller
     * sends from its own buffer right after (a gathering write: the body is never copied).
     */
    public void dataHeader(ByteBuffer out, int streamId, int length, boolean endStream) {
        checkStream(streamId);
        if (length < 0 || length > maxFrameSize) {
            throw new IllegalArgumentException("DATA length " + length + " outside 0.." + maxFrameSize);
        }
        require(out, FRAME_HEADER_LENGTH);
        header(out, length, FrameType.DATA, endStream ? FrameFlags.END_STREAM : 0, streamId);
    }

    /** A whole DATA frame, its payload copied from the data's position to its limit (consumed). */
    public void data(ByteBuffer out, int streamId, ByteBuffer data, boolean endStream) {
        require(out, FRAME_HEADER_LENGTH + data.remaining());
        dataHeader(out, streamId, data.remaining(), endStream);
        out.put(data);
    }

    /** Octets {@link #headers} writes for a field block of this length. */
    public int headersLength(int blockLength) {
        int frames = blockLength == 0 ? 1 : (blockLength + maxFrameSize - 1) / maxFrameSize;
        return blockLength + frames * FRAME_HEADER_LENGTH;
    }

    /**
     * A field block as HEADERS plus as many CONTINUATION frames as the peer's max frame size
     * needs; END_STREAM goes on the HEADERS frame (RFC 9113 6.2), END_HEADERS on the last one.
     * The block is consumed from its position to its limit.
     */
    public void headers(ByteBuffer out, int streamId, ByteBuffer headerBlock, boolean endStream) {
        checkStream(streamId);
        require(out, headersLength(headerBlock.remaining()));
        FrameType type = FrameType.HEADERS;
        int flags = endStream ? FrameFlags.END_STREAM : 0;
        do {
            int n = Math.min(headerBlock.remaining(), maxFrameSize);
            boolean last = n == headerBlock.remaining();
            header(out, n, type, flags | (last ? FrameFlags.END_HEADERS : 0), streamId);
            int limit = headerBlock.limit();
            headerBlock.limit(headerBlock.position() + n);
            out.put(headerBlock);
            headerBlock.limit(limit);
            type = FrameType.CONTINUATION;
            flags = 0;
        } while (headerBlock.hasRemaining());
    }

    public static void rstStream(ByteBuffer out, int streamId, ErrorCode code) {
        checkStream(streamId);
        require(out, FRAME_HEADER_LENGTH + 4);
        header(out, 4, FrameType.RST_STREAM, 0, streamId);
        putInt(out, code.code());
    }

    /** A SETTINGS frame with every setting {@link Http2Settings#isSet set} explicitly. */
    public static void settings(ByteBuffer out, Http2Settings settings) {
        require(out, FRAME_HEADER_LENGTH + settings.encodedLength());
        header(out, settings.encodedLength(), FrameType.SETTINGS, 0, 0);
        settings.encode(out);
    }

    public static void settingsAck(ByteBuffer out) {
        require(out, FRAME_HEADER_LENGTH);
        header(out, 0, FrameType.SETTINGS, FrameFlags.ACK, 0);
    }

    public static void ping(ByteBuffer out, boolean ack, long payload) {
        require(out, FRAME_HEADER_LENGTH + 8);
        header(out, 8, FrameType.PING, ack ? FrameFlags.ACK : 0, 0);
        putInt(out, (int) (payload >>> 32));
        putInt(out, (int) payload);
    }

    /** Octets {@link #goAway} writes with this much debug data. */
    public static int goAwayLength(int debugLength) {
        return FRAME_HEADER_LENGTH + 8 + debugLength;
    }

    /** @param debugData diagnostic bytes (e.g. the {@link Http2Exception#reason()}), consumed; may be empty */
    public static void goAway(ByteBuffer out, int lastStreamId, ErrorCode code, ByteBuffer debugData) {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("last stream id " + lastStreamId);
        }
        require(out, goAwayLength(debugData.remaining()));
        header(out, 8 + debugData.remaining(), FrameType.GOAWAY, 0, 0);
        putInt(out, lastStreamId);
        putInt(out, code.code());
        out.put(debugData);
    }

    /** @param streamId 0 for the connection window */
    public static void windowUpdate(ByteBuffer out, int streamId, int increment) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id " + streamId);
        }
        if (increment < 1) {
            throw new IllegalArgumentException("window increment must be 1..2^31-1, was " + increment);
        }
        require(out, FRAME_HEADER_LENGTH + 4);
        header(out, 4, FrameType.WINDOW_UPDATE, 0, streamId);
        putInt(out, increment);
    }

    private static void header(ByteBuffer out, int length, FrameType type, int flags, int streamId) {
        out.put((byte) (length >>> 16));
        out.put((byte) (length >>> 8));
        out.put((byte) length);
        out.put((byte) type.code());
        out.put((byte) flags);
        putInt(out, streamId);
    }

    /** Big-endian whatever order the caller set on its buffer. */
    private static void putInt(ByteBuffer out, int value) {
        out.put((byte) (value >>> 24));
        out.put((byte) (value >>> 16));
        out.put((byte) (value >>> 8));
        out.put((byte) value);
    }

    /** Checked up front so a frame is never left half-written in the caller's buffer. */
    private static void require(ByteBuffer out, int octets) {
        if (out.remaining() < octets) {
            throw new java.nio.BufferOverflowException();
        }
    }

    private static void checkStream(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream frame needs a stream id > 0, was " + streamId);
        }
    }
}
