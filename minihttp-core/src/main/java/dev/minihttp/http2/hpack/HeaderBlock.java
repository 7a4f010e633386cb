package dev.minihttp.http2.hpack;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable buffer that {@link HpackEncoder} writes an encoded header block into. One per
 * connection, cleared between blocks, so encoding a response allocates nothing once the buffer
 * has grown to the connection's usual block size. The frame layer cuts its bytes into a HEADERS
 * frame and as many CONTINUATION frames as the peer's SETTINGS_MAX_FRAME_SIZE asks for.
 */
public final class HeaderBlock {

    private byte[] bytes;
    private int length;

    public HeaderBlock() {
        this(256);
    }

    public HeaderBlock(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets the bytes written, keeping the storage. */
    public void clear() {
        length = 0;
    }

    /** How many bytes have been written. */
    public int length() {
        return length;
    }

    /** The bytes written, as a read-only view that shares this buffer's storage until the next write. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes, 0, length).asReadOnlyBuffer();
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    void write(int octet) {
        if (length == bytes.length) {
            grow(1);
        }
        bytes[length++] = (byte) octet;
    }

    /** Writes the low octet of each char of {@code text}, which the caller checked is ISO-8859-1. */
    void writeLatin1(String text) {
        int count = text.length();
        if (bytes.length - length < count) {
            grow(count);
        }
        for (int i = 0; i < count; i++) {
            bytes[length + i] = (byte) text.charAt(i);
        }
        length += count;
    }

    private void grow(int needed) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + needed));
    }
}
