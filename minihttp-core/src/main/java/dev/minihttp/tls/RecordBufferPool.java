package dev.minihttp.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Record-sized buffers shared by every TLS connection of the JVM. A connection holds one only while
 * it has ciphertext in flight (a record being read or written, a handshake): an idle keep-alive TLS
 * connection holds none, instead of two records' worth (33 KiB) for as long as it stays open.
 *
 * <p>A plain lock: a buffer is taken and given back once per record read or written, by the I/O
 * thread and the writing worker, and an uncontended monitor costs less than the allocation and
 * zeroing it saves. At most {@link #KEPT} buffers are kept; beyond that a returned one is left to
 * the garbage collector, so a burst does not pin its peak for ever.
 */
final class RecordBufferPool {

    /**
     * Room for the largest TLS record with its overhead (RFC 8446 5.2: 2^14 + 256, plus the
     * header); the JDK's packet buffer size (16,709 bytes) fits. A session that asks for more gets a
     * buffer of its own, not from the pool.
     */
    static final int CAPACITY = 16 * 1024 + 512;
    private static final int KEPT = 64;

    private static final ArrayDeque<ByteBuffer> free = new ArrayDeque<>(KEPT);

    private RecordBufferPool() {
    }

    /** A cleared buffer of at least {@code capacity} bytes. */
    static ByteBuffer take(int capacity) {
        if (capacity <= CAPACITY) {
            ByteBuffer buffer;
            synchronized (free) {
                buffer = free.pollFirst();
            }
            if (buffer != null) {
                return buffer.clear();
            }
        }
        return ByteBuffer.allocate(Math.max(capacity, CAPACITY));
    }

    /** Gives a buffer back; the caller must not touch it afterwards. */
    static void give(ByteBuffer buffer) {
        if (buffer.capacity() != CAPACITY) {
            return;
        }
        synchronized (free) {
            if (free.size() < KEPT) {
                free.addFirst(buffer);
            }
        }
    }
}
