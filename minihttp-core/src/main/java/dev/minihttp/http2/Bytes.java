package dev.minihttp.http2;

import java.nio.ByteBuffer;

/** Big-endian reads at absolute offsets, whatever byte order the caller's buffer was set to. */
final class Bytes {

    private Bytes() {
    }

    static int u8(ByteBuffer b, int i) {
        return b.get(i) & 0xFF;
    }

    static int u16(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) << 8 | b.get(i + 1) & 0xFF;
    }

    static int u24(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) << 16 | (b.get(i + 1) & 0xFF) << 8 | b.get(i + 2) & 0xFF;
    }

    static int int32(ByteBuffer b, int i) {
        return (b.get(i) & 0xFF) << 24 | (b.get(i + 1) & 0xFF) << 16 | (b.get(i + 2) & 0xFF) << 8 | b.get(i + 3) & 0xFF;
    }

    static long int64(ByteBuffer b, int i) {
        return (long) int32(b, i) << 32 | int32(b, i + 4) & 0xFFFF_FFFFL;
    }
}
