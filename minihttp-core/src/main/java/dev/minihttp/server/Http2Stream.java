package dev.minihttp.server;

import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http2.ContentLengthCheck;
import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.FlowControlWindow;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import javax.net.ssl.SSLSession;

/**
 * One HTTP/2 stream: a request the I/O thread receives whole (its HEADERS, its DATA into a
 * {@link RequestBody}, its trailers), then an {@link Exchange} on the same pool as HTTP/1.1, whose
 * response goes out through the connection's {@link Http2Writer}.
 *
 * <pre>
 *   (HEADERS) ──► OPEN ──(END_STREAM)──► HALF-CLOSED (remote): dispatched, the worker answers
 *                  │                           │
 *                  └── RST_STREAM, stream error, or the server's own early answer (413, 431...)
 *                                              ▼
 *                         CLOSED once END_STREAM is sent (and received) or the stream is reset
 * </pre>
 *
 * The receiving side ({@code head}..{@code bodyStartNanos}) is the I/O thread's; the sending side
 * ({@code sendWindow}..{@code readyCallback}) is guarded by the writer's lock.
 */
final class Http2Stream implements ExchangeCarrier {

    final int id;
    private final Http2Connection connection;

    // ---- receiving (I/O thread) ----
    RequestBody body;
    ContentLengthCheck contentLength;
    final FlowControlWindow receiveWindow;
    /** Body octets received since the last WINDOW_UPDATE the stream got. */
    int unacknowledged;
    volatile boolean remoteClosed;
    long bodyStartNanos;
    dev.minihttp.http.RequestHead head;
    /** The request's trailers (empty when none), once it is complete. */
    HttpHeaders requestTrailers;
    Exchange exchange;
    /** The server answered before the request was complete (413, 408...): the rest of its body is discarded. */
    boolean answeredEarly;
    /** The loop's response buffer, lent while the exchange runs. */
    byte[] responseBuffer;

    // ---- sending (the writer's lock) ----
    final FlowControlWindow sendWindow;
    final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>(2);
    long queuedBytes;
    boolean endQueued;
    HttpHeaders queuedTrailers;
    volatile boolean localClosed;
    volatile boolean reset;
    /** The client reset it (its later frames are a stream error; after our reset they are ignored). */
    volatile boolean peerReset;
    long lastProgressNanos;
    Runnable readyCallback;

    Http2Stream(int id, Http2Connection connection, int receiveWindow, FlowControlWindow sendWindow) {
        this.id = id;
        this.connection = connection;
        this.receiveWindow = new FlowControlWindow(id, receiveWindow);
        this.sendWindow = sendWindow;
    }

    /** END_STREAM or RST_STREAM went out (under the writer's lock, any thread). */
    void onLocalEnd() {
        connection.streamEnded(this);
    }

    // ---- ExchangeCarrier ---------------------------------------------------------------------

    @Override
    public long connectionId() {
        return connection.connectionId();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return connection.localAddress();
    }

    @Override
    public SSLSession sslSession() {
        return connection.sslSession();
    }

    @Override
    public ResponseBody newResponseBody(Exchange exchange) {
        return new Http2ResponseBody(exchange, this, connection.writer(), connection.responseBufferSize(), responseBuffer);
    }

    @Override
    public void exchangeFinished(boolean keepAlive) {
        // The stream ends with its END_STREAM (see onLocalEnd); nothing else moves on.
    }

    @Override
    public void exchangeUpgraded(UpgradeHandler handler, String protocol, String path) {
        throw new IllegalStateException("an HTTP/2 stream cannot switch protocols");
    }

    @Override
    public void refuseExchange(String message) {
        connection.answer(this, 503, message, true);
    }

    @Override
    public void abortExchange() {
        connection.resetFromAnyThread(this, ErrorCode.INTERNAL_ERROR);
    }

    @Override
    public boolean isCancelled() {
        return reset;
    }

    @Override
    public boolean isOutputReady() {
        return connection.writer().isReady(this);
    }

    @Override
    public void whenOutputReady(Runnable callback) {
        connection.writer().whenReady(this, callback, connection::runOnWorker);
    }

    /** The short text body of a response the server gives itself (503, 413...). */
    static ByteBuffer reasonBody(String reason) {
        return ByteBuffer.wrap((reason + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "stream " + id + " of connection " + connection.connectionId();
    }
}
