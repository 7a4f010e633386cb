package dev.minihttp.servlet;

import dev.minihttp.server.UpgradedConnection;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The input of an upgraded connection, non-blocking only (Servlet 6.1): {@link #isReady()} false
 * asks the engine for one later {@code onDataAvailable} (or {@code onAllDataRead} at the end of the
 * input), run on a worker once bytes are buffered. There is no blocking mode: a read that would
 * wait for the client would hold a worker, so reading without a {@link ReadListener}, or when
 * {@code isReady()} is false, throws {@link IllegalStateException}.
 */
final class UpgradeInputStream extends ServletInputStream {

    private final UpgradedConnection connection;
    private volatile ReadListener listener;
    private volatile boolean finished;
    private volatile boolean allDataReadSent;
    private volatile boolean failed;

    UpgradeInputStream(UpgradedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        if (readListener == null) {
            throw new NullPointerException("readListener");
        }
        if (listener != null) {
            throw new IllegalStateException("A ReadListener has already been set");
        }
        listener = readListener;
        connection.demand(); // onDataAvailable as soon as bytes are there
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isReady() {
        if (finished) {
            return false;
        }
        if (connection.available() > 0) {
            return true;
        }
        // Exactly one later callback: onDataAvailable when bytes come, onAllDataRead at the end.
        connection.demand();
        return false;
    }

    /** The engine's readable callback, on a worker. */
    void onReadable() {
        ReadListener current = listener;
        if (current == null || allDataReadSent) {
            return;
        }
        try {
            if (connection.available() > 0) {
                current.onDataAvailable();
            } else if (connection.read(ByteBuffer.allocate(0)) < 0) {
                finished = true;
                allDataReadSent = true;
                current.onAllDataRead();
            }
        } catch (Throwable t) {
            failed = true;
            current.onError(t);
        }
    }

    /** The connection is gone: a reader that had not seen the end hears {@code onError}. */
    void connectionClosed(IOException cause) {
        ReadListener current = listener;
        boolean wasFinished = finished;
        finished = true;
        if (current != null && !wasFinished && !failed) {
            failed = true;
            current.onError(cause);
        }
    }

    private void checkReadable() {
        if (listener == null) {
            throw new IllegalStateException("An upgraded connection reads only in non-blocking mode: set a ReadListener first");
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
        checkReadable();
        if (length == 0) {
            return 0;
        }
        int n = connection.read(ByteBuffer.wrap(buffer, offset, length));
        if (n < 0) {
            finished = true;
            return -1;
        }
        if (n == 0) {
            throw new IllegalStateException("No data to read: read only after isReady() returned true or in onDataAvailable()");
        }
        return n;
    }

    @Override
    public int available() {
        return connection.available();
    }

    @Override
    public void close() {
        finished = true;
    }
}
