package dev.minihttp.server;

import dev.minihttp.http.HttpHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The response body stream, whatever protocol carries it: bytes collect in a buffer until it
 * overflows, {@link #flush()} or {@link #complete()}, and the head goes out together with the
 * first body bytes. What framing the protocol wraps them in (HTTP/1.1 chunks, HTTP/2 DATA frames)
 * is the subclass's: it decides the framing in {@link #commit} and writes in {@link #send}.
 *
 * <p>One writer at a time, serialised by {@link #lock}, which the subclass's hooks run under.
 */
abstract class ResponseBody extends OutputStream {

    protected final Exchange exchange;
    protected final ReentrantLock lock = new ReentrantLock();

    protected byte[] buffer;
    protected int bufferSize;
    /** Buffered bytes, {@code buffer[0..count)}. */
    protected int count;

    protected boolean committed;
    protected boolean completed;
    protected long declaredLength = -1;
    /** Body bytes handed to the protocol so far (also those a HEAD response suppresses). */
    protected long sent;
    protected Supplier<HttpHeaders> trailers;
    // False once the writer is driven by readiness callbacks (Servlet non-blocking I/O): it checks
    // isReady() before writing and must never be parked in a write, so what the socket does not
    // take is queued (at most one write beyond the high watermark) instead of waited for.
    protected volatile boolean blocking = true;

    /** A reusable buffer of the default size (the loop's); a changed buffer size gets its own array. */
    private final byte[] reusableBuffer;

    ResponseBody(Exchange exchange, int bufferSize, byte[] reusableBuffer) {
        this.exchange = exchange;
        this.bufferSize = bufferSize;
        this.reusableBuffer = reusableBuffer;
    }

    /**
     * Decides the framing and prepares the head, which {@link #send} writes before the first body
     * bytes. {@code whole}: the buffer holds the entire body (the response is completing).
     */
    protected abstract void commit(boolean whole);

    /**
     * Writes the prepared head (if not written yet), the buffered bytes and then {@code extra},
     * framed, and empties the buffer. {@code last}: the body ends here, so its end (last chunk,
     * END_STREAM, trailers) goes out too.
     */
    protected abstract void send(ByteBuffer extra, boolean last) throws IOException;

    /** Whether the connection may carry another request once this response is complete. */
    protected abstract boolean keepAlive();

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        lock.lock();
        try {
            if (completed) {
                throw new IOException("the response is already complete");
            }
            if (length == 0) {
                return;
            }
            if (!committed && count + length <= bufferSize) {
                if (buffer == null) {
                    buffer = reusableBuffer != null && reusableBuffer.length == bufferSize
                            ? reusableBuffer : new byte[bufferSize];
                }
                System.arraycopy(data, offset, buffer, count, length);
                count += length;
                return;
            }
            commitOnce(false);
            send(ByteBuffer.wrap(data, offset, length), false);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (completed) {
                return;
            }
            commitOnce(false);
            send(null, false);
        } finally {
            lock.unlock();
        }
    }

    /** Closing the stream completes the response, as a Servlet container does. */
    @Override
    public void close() throws IOException {
        complete();
    }

    /**
     * Sends what is left and terminates the body. Returns whether the connection may carry the
     * next request. Idempotent: later calls return false without writing.
     */
    boolean complete() throws IOException {
        lock.lock();
        try {
            if (completed) {
                return false;
            }
            completed = true;
            commitOnce(true);
            send(null, true);
            return keepAlive();
        } finally {
            lock.unlock();
        }
    }

    private void commitOnce(boolean whole) {
        if (!committed) {
            committed = true;
            commit(whole);
        }
    }

    /** Marks the stream finished without writing (the connection or stream is being closed). */
    void abandon() {
        lock.lock();
        try {
            completed = true;
            committed = true;
        } finally {
            lock.unlock();
        }
    }

    /** The declared length from the Content-Length field, or -1 when it is absent or not a number. */
    protected static long parseLength(String value) {
        if (value == null || value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    /** Whether a status never has a body (RFC 9110 6.4.1), and so no Content-Length. */
    protected static boolean hasNoContent(int status) {
        return status < 200 || status == 204 || status == 304;
    }

    // ---- state the Response interface exposes ----

    boolean isCommitted() {
        lock.lock();
        try {
            return committed;
        } finally {
            lock.unlock();
        }
    }

    boolean isCompleted() {
        lock.lock();
        try {
            return completed;
        } finally {
            lock.unlock();
        }
    }

    void declareLength(long length) {
        lock.lock();
        try {
            if (!committed) {
                declaredLength = length;
            }
        } finally {
            lock.unlock();
        }
    }

    int bufferSize() {
        return bufferSize;
    }

    void bufferSize(int size) {
        lock.lock();
        try {
            if (committed || count > 0) {
                throw new IllegalStateException("the buffer size can only change before the body is written");
            }
            bufferSize = Math.max(0, size);
            buffer = null;
        } finally {
            lock.unlock();
        }
    }

    void resetBuffer() {
        lock.lock();
        try {
            if (committed) {
                throw new IllegalStateException("the response is already committed");
            }
            count = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Also forgets a declared length: {@link Response#reset()} starts the response over. */
    void reset() {
        lock.lock();
        try {
            resetBuffer();
            declaredLength = -1;
        } finally {
            lock.unlock();
        }
    }

    /** From now on writes never wait for a slow reader (see {@link Response#whenReady}). */
    void nonBlocking() {
        blocking = false;
    }

    void trailers(Supplier<HttpHeaders> supplier) {
        this.trailers = supplier;
    }
}
