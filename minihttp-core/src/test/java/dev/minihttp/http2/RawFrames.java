package dev.minihttp.http2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Frames written byte by byte from RFC 9113 section 4.1, independent of {@link FrameWriter}, so
 * that the reader is tested against the specification rather than against our own encoder.
 */
final class RawFrames {

    /** An empty SETTINGS frame: what must follow the preface before anything else. */
    static final byte[] SETTINGS_EMPTY = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts with the empty SETTINGS every client sends first. */
    static RawFrames afterPreface() {
        RawFrames frames = new RawFrames();
        frames.out.writeBytes(SETTINGS_EMPTY);
        return frames;
    }

    static RawFrames bare() {
        return new RawFrames();
    }

    /** A frame whose length field says how many payload octets follow. */
    RawFrames frame(int type, int flags, int streamId, byte... payload) {
        return frame(payload.length, type, flags, streamId, payload);
    }

    /** A frame whose length field is given separately (the payload bytes still follow in full). */
    RawFrames frame(int length, int type, int flags, int streamId, byte... payload) {
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        out.write(type);
        out.write(flags);
        out.writeBytes(int32(streamId));
        out.writeBytes(payload);
        return this;
    }

    RawFrames raw(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] int32(long value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            joined.writeBytes(part);
        }
        return joined.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] setting(int id, long value) {
        return concat(new byte[] {(byte) (id >>> 8), (byte) id}, int32(value));
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }
}
