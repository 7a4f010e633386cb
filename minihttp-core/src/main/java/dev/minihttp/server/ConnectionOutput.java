package dev.minihttp.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The outgoing side of one connection, shared by the worker that produces a response and the I/O
 * thread that owns the socket.
 *
 * <p>A writer first writes straight to the non-blocking socket. What the socket does not take is
 * copied to a pending queue that the I/O thread drains when the socket becomes writable. The
 * writer only waits when the pending bytes pass the high watermark: that is the back-pressure a
 * slow reader exerts, and the write timeout bounds it. Order is kept because nobody writes to the
 * socket directly while anything is pending.
 */
final class ConnectionOutput {

    private static final ByteBuffer[] NO_BUFFERS = new ByteBuffer[0];

    private final Transport transport;
    private final Connection connection;
    private final int highWatermark;
    private final int lowWatermark;
    private final long writeTimeoutNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition belowHighWatermark = lock.newCondition();
    // Usually empty (the socket takes most responses whole): small until it is needed.
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>(2);
    private long pendingBytes;
    private long lastProgressNanos;
    private boolean closed;
    private Runnable whenReady;

    ConnectionOutput(Transport transport, Connection connection, int highWatermark, long writeTimeoutNanos) {
        this.transport = transport;
        this.connection = connection;
        this.highWatermark = highWatermark;
        this.lowWatermark = highWatermark / 2;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    /**
     * Sends the buffers' remaining bytes, in order after anything already pending. With
     * {@code mayBlock} the caller waits while the pending bytes are above the high watermark; the
     * I/O thread passes false because it must never wait.
     */
    void write(ByteBuffer[] buffers, boolean mayBlock) throws IOException {
        lock.lock();
        try {
            if (closed) {
                throw new ClientAbortException("connection closed");
            }
            long remaining = remaining(buffers);
            if (pending.isEmpty()) {
                try {
                    while (remaining > 0) {
                        long written = transport.write(buffers);
                        if (written <= 0) {
                            break;
                        }
                        remaining -= written;
                    }
                } catch (IOException e) {
                    closeLocked();
                    connection.closeFromAnyThread();
                    throw new ClientAbortException("client went away: " + e.getMessage(), e);
                }
            }
            if (remaining > 0) {
                boolean wasEmpty = pending.isEmpty();
                pending.addLast(copyRemaining(buffers, remaining));
                pendingBytes += remaining;
                if (wasEmpty) {
                    lastProgressNanos = System.nanoTime();
                    connection.requestWriteInterest();
                }
            } else if (pending.isEmpty() && transport.hasBufferedOutput()) {
                // All taken, but the last TLS record only in part: the rest goes out when writable.
                lastProgressNanos = System.nanoTime();
                connection.requestWriteInterest();
            }
            if (mayBlock) {
                awaitBelowHighWatermark();
            }
        } finally {
            lock.unlock();
        }
    }

    void write(ByteBuffer buffer, boolean mayBlock) throws IOException {
        write(new ByteBuffer[] {buffer}, mayBlock);
    }

    /**
     * Waits, like a blocking write does, while the unsent bytes are above the high watermark: for a
     * writer that queued its bytes elsewhere first (an HTTP/2 stream's frames). Not on the I/O thread.
     */
    void awaitWritable() throws IOException {
        lock.lock();
        try {
            awaitBelowHighWatermark();
        } finally {
            lock.unlock();
        }
    }

    private void awaitBelowHighWatermark() throws IOException {
        while (pendingBytes > highWatermark && !closed) {
            try {
                long waited = belowHighWatermark.awaitNanos(writeTimeoutNanos);
                if (waited <= 0 && System.nanoTime() - lastProgressNanos >= writeTimeoutNanos && pendingBytes > highWatermark) {
                    closeLocked();
                    connection.closeFromAnyThread();
                    throw new ClientAbortException("client did not read the response within the write timeout");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientAbortException("interrupted while waiting for the client to read", e);
            }
        }
        if (closed) {
            throw new ClientAbortException("connection closed");
        }
    }

    private static long remaining(ByteBuffer[] buffers) {
        long total = 0;
        for (ByteBuffer buffer : buffers) {
            total += buffer.remaining();
        }
        return total;
    }

    /** The caller reuses its buffers, so what the socket did not take is copied. */
    private static ByteBuffer copyRemaining(ByteBuffer[] buffers, long remaining) {
        ByteBuffer copy = ByteBuffer.allocate((int) remaining);
        for (ByteBuffer buffer : buffers) {
            copy.put(buffer);
        }
        copy.flip();
        return copy;
    }

    /**
     * Called by the I/O thread when the socket is writable. Returns true when nothing is pending
     * any more (the caller then drops its interest in writability).
     */
    boolean flushPending() throws IOException {
        Runnable readyCallback = null;
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (!transport.flush()) {
                // Woken because the socket took bytes: the client is reading, however slowly.
                lastProgressNanos = System.nanoTime();
                return false;
            }
            while (!pending.isEmpty()) {
                ByteBuffer[] buffers = pending.toArray(NO_BUFFERS);
                long written = transport.write(buffers);
                if (written > 0) {
                    pendingBytes -= written;
                    lastProgressNanos = System.nanoTime();
                }
                while (!pending.isEmpty() && !pending.peekFirst().hasRemaining()) {
                    pending.pollFirst();
                }
                if (written <= 0) {
                    break;
                }
            }
            if (pendingBytes <= lowWatermark) {
                belowHighWatermark.signalAll();
                readyCallback = whenReady;
                whenReady = null;
            }
            return pending.isEmpty() && !transport.hasBufferedOutput();
        } finally {
            lock.unlock();
            if (readyCallback != null) {
                connection.runOnWorker(readyCallback);
            }
        }
    }

    boolean hasPending() {
        lock.lock();
        try {
            return !pending.isEmpty() || transport.hasBufferedOutput();
        } finally {
            lock.unlock();
        }
    }

    /** Whether pending output has made no progress for longer than the write timeout. */
    boolean isStalled(long now) {
        lock.lock();
        try {
            return (!pending.isEmpty() || transport.hasBufferedOutput()) && now - lastProgressNanos > writeTimeoutNanos;
        } finally {
            lock.unlock();
        }
    }

    boolean isReady() {
        lock.lock();
        try {
            return !closed && pendingBytes <= highWatermark;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the callback on a worker once writable below the low watermark (at once when already there). */
    void whenReady(Runnable callback) {
        boolean now;
        lock.lock();
        try {
            now = closed || pendingBytes <= lowWatermark;
            if (!now) {
                whenReady = callback;
            }
        } finally {
            lock.unlock();
        }
        if (now) {
            connection.runOnWorker(callback);
        }
    }

    /** Marks the output dead and wakes any waiting writer; the socket itself is closed by the connection. */
    void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        closed = true;
        pending.clear();
        pendingBytes = 0;
        belowHighWatermark.signalAll();
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
