package dev.minihttp.servlet;

import dev.minihttp.server.UpgradedConnection;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The output of an upgraded connection. With a {@link WriteListener} (Servlet 6.1 non-blocking
 * mode) writes never wait: {@link #isReady()} false means exactly one later
 * {@code onWritePossible}, run on a worker once the unsent bytes fell below the low watermark, and
 * a write while not ready throws {@link IllegalStateException}. Without one a write waits while the
 * unsent bytes are above the high watermark, bounded by the write timeout, like a response body;
 * {@link #isReady()} tells the truth in that mode too, so a writer can switch to a listener when it
 * sees false (Tyrus's writer does exactly that).
 */
final class UpgradeOutputStream extends ServletOutputStream {

    private final UpgradedConnection connection;
    private final AtomicBoolean callbackPending = new AtomicBoolean();
    private volatile WriteListener listener;
    private volatile boolean closed;
    private volatile boolean failed;

    UpgradeOutputStream(UpgradedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        if (writeListener == null) {
            throw new NullPointerException("writeListener");
        }
        if (listener != null) {
            throw new IllegalStateException("A WriteListener has already been set");
        }
        listener = writeListener;
        callbackPending.set(true);
        connection.whenReady(this::notifyWritable);
    }

    @Override
    public boolean isReady() {
        boolean ready = connection.isReady();
        if (listener == null) {
            return ready; // a writer that sees false sets a listener (Tyrus does) or writes blocking
        }
        if (!ready && callbackPending.compareAndSet(false, true)) {
            connection.whenReady(this::notifyWritable);
        }
        return ready;
    }

    private void notifyWritable() {
        callbackPending.set(false);
        WriteListener current = listener;
        if (current == null || failed) {
            return;
        }
        try {
            current.onWritePossible();
        } catch (Throwable t) {
            failed = true;
            current.onError(t);
        }
    }

    /** The connection is gone: a writer that still had a listener hears {@code onError}. */
    void connectionClosed(IOException cause) {
        WriteListener current = listener;
        if (current != null && !failed && !closed) {
            failed = true;
            current.onError(cause);
        }
        closed = true;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) {
            throw new IOException("the upgraded connection's output is closed");
        }
        if (length == 0) {
            return;
        }
        boolean ready = connection.isReady();
        if (listener != null && !ready) {
            throw new IllegalStateException("In non-blocking mode, write only after isReady() returned true "
                    + "or in onWritePossible()");
        }
        // A write while ready never waits (it may pass the high watermark once); only a blocking-mode
        // writer that did not ask isReady() waits, bounded by the write timeout.
        connection.write(ByteBuffer.wrap(bytes, offset, length), !ready);
    }

    @Override
    public void flush() throws IOException {
        if (closed) {
            throw new IOException("the upgraded connection's output is closed");
        }
        // Writes go to the socket at once; what it did not take the I/O thread sends.
    }

    /** Ends the connection after what was written has gone out (there is no half-close for an upgraded protocol). */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            connection.close();
        }
    }
}
