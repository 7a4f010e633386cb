package dev.minihttp.server;

import dev.minihttp.http.HttpHeaders;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * The response a handler builds. Status and headers can change until the response is committed;
 * it is committed when the body buffer overflows, on {@code flush()}, or on completion.
 *
 * <p>Framing is chosen at commit: {@code Content-Length} when the handler set it or when the whole
 * body fits in the buffer at completion, chunked otherwise (for an HTTP/1.0 client: the body ends
 * when the connection closes). A {@code HEAD} response carries the headers a {@code GET} would, and
 * no body. Setting {@code Connection: close} closes the connection after this response.
 *
 * <p>Thread-safe for one writer at a time: after {@link #suspend()} any thread may write and
 * complete, which is what Servlet async and server-sent events need.
 */
public interface Response {

    Response status(int status);

    int status();

    /** The response header fields; changes after commit are ignored. {@code Date} is added by the server. */
    HttpHeaders headers();

    /** Replaces the named header (convenience for {@code headers().set}). */
    default Response header(String name, String value) {
        headers().set(name, value);
        return this;
    }

    /** Declares the body length up front (also sets the header); -1 clears it. */
    Response contentLength(long length);

    /**
     * The body stream. Writes go to a buffer of {@link #bufferSize()} bytes, then to the socket;
     * {@code flush()} commits and sends what is buffered; {@code close()} completes the response.
     * A write blocks only while the connection's unsent bytes are above the high watermark
     * (a slow reader), and fails with an {@link java.io.IOException} once the client is gone.
     */
    OutputStream body();

    boolean isCommitted();

    int bufferSize();

    /** Changes the buffer size; only before anything was written. */
    void bufferSize(int size);

    /** Discards buffered body bytes. @throws IllegalStateException when committed */
    void resetBuffer();

    /** Discards buffered body bytes, the status and the headers. @throws IllegalStateException when committed */
    void reset();

    /** Trailer fields sent after a chunked body; ignored when the body is not chunked. */
    void trailers(Supplier<HttpHeaders> trailers);

    /**
     * Keeps the exchange open after {@link Handler#handle} returns, freeing the worker. Some
     * thread must later call {@link #complete()} (or {@link #abort()}).
     */
    void suspend();

    boolean isSuspended();

    /** Sends what is buffered, terminates the body and frees the connection for its next request. Idempotent. */
    void complete();

    /** Closes the connection without completing the response (the client sees a truncated message). */
    void abort();

    /**
     * Whether the body can be written to without blocking (unsent bytes below the high
     * watermark); false once the response is complete.
     */
    boolean isReady();

    /**
     * Runs {@code callback} on a worker once the connection's unsent bytes drop below the low
     * watermark, or at once when {@link #isReady()}. For Servlet non-blocking writes: from the
     * first call on, body writes never wait for the client (the writer is expected to check
     * {@link #isReady()} first). @throws IllegalStateException when the response is complete
     */
    void whenReady(Runnable callback);

    /**
     * Switches protocols (HTTP Upgrade): the status becomes 101, and once this response completes
     * (headers only, as set by the caller: {@code Upgrade}, {@code Connection: Upgrade}...) the
     * connection leaves HTTP/1.1 and belongs to {@code handler}. Changing the status afterwards
     * abandons the upgrade. HTTP/1.1 only. @throws IllegalStateException when committed
     */
    void upgrade(UpgradeHandler handler);

    /**
     * Counts an exception the application threw but a container answered itself (a Servlet error
     * page) as if it had escaped the handler: against the current thread's name and the exception
     * class, and as an {@link Error} in the server's stats when it is one. Not logged again: the
     * caller has logged it.
     */
    void reportException(Throwable thrown);
}
