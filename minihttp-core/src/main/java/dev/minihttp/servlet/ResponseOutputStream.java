package dev.minihttp.servlet;

import dev.minihttp.server.Response;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The response body stream over the engine's buffered body. Writes after the response was closed
 * (by {@code sendError}, {@code sendRedirect}, a completed forward or content-length reached)
 * are dropped, as the spec asks. Non-blocking writes map to the engine's readiness callbacks; in
 * that mode a write or flush while the stream is not ready throws {@link IllegalStateException}
 * (Servlet 6.1 {@code ServletOutputStream#isReady}), as on Tomcat: the engine would otherwise queue
 * it without bound, since a non-blocking writer is never parked.
 */
final class ResponseOutputStream extends ServletOutputStream {

    private final Response exchange;
    private final MiniHttpServletResponse response;
    private final AtomicBoolean callbackPending = new AtomicBoolean();
    private volatile WriteListener listener;
    private long written;

    ResponseOutputStream(Response exchange, MiniHttpServletResponse response) {
        this.exchange = exchange;
        this.response = response;
    }

    private OutputStream body() {
        return exchange.body();
    }

    @Override
    public boolean isReady() {
        if (listener == null) {
            return true;
        }
        boolean ready = exchange.isReady();
        if (!ready && callbackPending.compareAndSet(false, true)) {
            exchange.whenReady(this::notifyWritable);
        }
        return ready;
    }

    private void notifyWritable() {
        callbackPending.set(false);
        WriteListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.onWritePossible();
        } catch (Throwable t) {
            current.onError(t);
        }
    }

    @Override
    public void setWriteListener(WriteListener writeListener) {
        if (writeListener == null) {
            throw new NullPointerException("writeListener");
        }
        if (listener != null) {
            throw new IllegalStateException("A WriteListener has already been set");
        }
        if (!response.request().isAsyncStarted()) {
            throw new IllegalStateException("Non-blocking writes need async mode (startAsync) first");
        }
        listener = writeListener;
        callbackPending.set(true);
        exchange.whenReady(this::notifyWritable);
    }

    // Tomcat checks the stream's current readiness (not whether isReady() was called before each
    // write): a write inside onWritePossible, or after isReady() returned true, passes.
    private void checkReadyForNonBlockingWrite() {
        if (listener != null && !exchange.isReady()) {
            throw new IllegalStateException("In non-blocking mode, write to the ServletOutputStream only after "
                    + "isReady() returned true or in onWritePossible()");
        }
    }

    @Override
    public void write(int b) throws IOException {
        if (response.isClosed()) {
            return;
        }
        checkReadyForNonBlockingWrite();
        body().write(b);
        afterWrite(1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (response.isClosed() || length == 0) {
            return;
        }
        checkReadyForNonBlockingWrite();
        body().write(bytes, offset, length);
        afterWrite(length);
    }

    // Once the declared Content-Length has been written the response is complete (Servlet 5.5).
    private void afterWrite(int length) throws IOException {
        written += length;
        long declared = response.declaredContentLength();
        if (declared >= 0 && written >= declared) {
            body().flush();
            response.close();
        }
    }

    @Override
    public void flush() throws IOException {
        if (response.isClosed()) {
            return;
        }
        checkReadyForNonBlockingWrite();
        body().flush();
    }

    /** Closing the stream commits the response and drops any later write; the exchange completes later. */
    @Override
    public void close() throws IOException {
        if (response.isIncluding() || response.isClosed()) {
            return;
        }
        body().flush();
        response.close();
    }

    void resetCount() {
        written = 0;
    }
}
