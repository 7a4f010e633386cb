package dev.minihttp.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executor;

/**
 * The request body. The engine hands over a body that is already complete, so a read never waits
 * for the network and non-blocking reads are trivial: the stream is always ready, and a
 * {@link ReadListener} gets {@code onDataAvailable} then {@code onAllDataRead} on a worker.
 */
final class RequestInputStream extends ServletInputStream {

    private final InputStream body;
    private final Executor workers;
    private final MiniHttpServletRequest request;
    private volatile boolean finished;
    private ReadListener listener;

    RequestInputStream(InputStream body, Executor workers, MiniHttpServletRequest request) {
        this.body = body;
        this.workers = workers;
        this.request = request;
    }

    @Override
    public boolean isFinished() {
        return finished || request.getContentLengthLong() <= 0;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        if (readListener == null) {
            throw new NullPointerException("readListener");
        }
        if (listener != null) {
            throw new IllegalStateException("A ReadListener has already been set");
        }
        if (!request.isAsyncStarted()) {
            throw new IllegalStateException("Non-blocking reads need async mode (startAsync) first");
        }
        listener = readListener;
        workers.execute(() -> {
            try {
                if (!finished) {
                    readListener.onDataAvailable();
                }
                readListener.onAllDataRead();
            } catch (Throwable t) {
                readListener.onError(t);
            }
        });
    }

    @Override
    public int read() throws IOException {
        int b = body.read();
        if (b < 0) {
            finished = true;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = body.read(buffer, offset, length);
        if (n < 0) {
            finished = true;
        }
        return n;
    }

    @Override
    public int available() throws IOException {
        return body.available();
    }

    @Override
    public long skip(long n) throws IOException {
        return body.skip(n);
    }

    @Override
    public void close() throws IOException {
        finished = true;
    }
}
