package dev.minihttp.server;

import dev.minihttp.http.BodyFraming;
import dev.minihttp.http.ChunkedDecoder;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpParseException;
import dev.minihttp.http.RequestHead;
import dev.minihttp.http.RequestHeadParser;
import dev.minihttp.http2.Http2Exception;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.http2.Preface;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Owned by its {@link IoLoop}: every field below is read and written on
 * that loop's thread only, except {@link #output}, which is shared with the worker through its
 * own lock.
 *
 * <pre>
 *            accept
 *              │
 *              ▼
 *   ┌──────► READING ──(head + body complete)──► DISPATCHED ──(worker completes)──┐
 *   │          │  ▲  (queue full: 503)              (queued, then running;         │
 *   │          │  │                          pipelined bytes only buffered)        │
 *   │          │  └──────────── keep-alive: next request (buffered bytes first) ◄──┤
 *   │          │                                                                    │
 *   │   (bad request, 408,                                                  (no keep-alive)
 *   │    413, 431, 503)                                                            │
 *   │          ▼                                                                    ▼
 *   │      LINGERING ◄──────────── response flushed, output shut down ◄─────────────┘
 *   │          │  (reads and discards until EOF or a short deadline, so the client
 *   │          │   gets the response instead of a reset)
 *   │          ▼
 *   └──────  CLOSED   (also from any state: stop(), I/O error, write/idle/head timeout)
 *
 *   DISPATCHED ──(101 and Response.upgrade: the exchange completes)──► SWITCHED (Upgraded)
 *   READING ──(HTTP/2: ALPN h2, the prior-knowledge preface, or Upgrade: h2c)──► SWITCHED (Http2Connection)
 *   SWITCHED: the bytes are the {@link ConnectionProtocol}'s; it closes (protocol close: flush,
 *             LINGERING; else CLOSED) and never goes back to READING
 * </pre>
 *
 * Writing is not a state: a worker writes while the exchange runs, and whatever the socket did
 * not take is flushed by the I/O thread in any state. Entering LINGERING with output still
 * pending (or on the client's EOF while a response is pending: it may have only half-closed)
 * first flushes it, bounded by the write timeout; the linger deadline starts after that.
 *
 * <p>Between requests a connection holds no buffer: the head parser, the chunked decoder and the
 * response buffer are borrowed from the loop's {@link LoopPool}s when a request starts arriving
 * (or is dispatched) and given back once it no longer needs them; the read buffer is the loop's.
 */
final class Connection implements ExchangeCarrier {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SWITCHING_TO_H2C =
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final long LINGER_NANOS = 2_000_000_000L;
    private static final long LINGER_MAX_BYTES = 1024 * 1024;
    private static final long FLOOD_LINGER_MAX_BYTES = 64 * 1024;
    private static final int MAX_PIPELINED_BYTES = 64 * 1024;

    enum State { READING, DISPATCHED, SWITCHED, LINGERING, CLOSED }

    final long id;
    private final MiniHttpServer server;
    private final IoLoop loop;
    private final SocketChannel channel;
    private final SelectionKey key;
    /** Cleartext or TLS: the connection reads and writes HTTP bytes through it either way. */
    private final Transport transport;
    final ConnectionOutput output;
    private final InetSocketAddress remoteAddress;
    private final InetSocketAddress localAddress;

    // Borrowed from the loop while a request needs them, null in between (see the class comment).
    private RequestHeadParser parser;
    private ChunkedDecoder chunkedDecoder;

    private State state = State.READING;
    private RequestHead head;
    private RequestBody body;
    private long bodyRemaining;
    private ByteBuffer leftover;
    private int requestCount;
    private boolean closeAfterFlush;
    private boolean inputClosed;
    private byte[] responseBuffer;
    /** Set once the connection switched protocols: its reads, timeouts and close go there. */
    private volatile ConnectionProtocol protocol;
    /** Whether the first bytes were looked at for HTTP/2 (ALPN h2, or the prior-knowledge preface). */
    private boolean protocolChosen;
    /** The first bytes of a cleartext connection while they may still be the start of the HTTP/2 preface. */
    private ByteBuffer prefaceProbe;

    private final long acceptedNanos;
    private long idleSinceNanos;
    private long headStartNanos;
    private long bodyStartNanos;
    private long lingerDeadlineNanos;
    private long lingerDiscarded;
    /** Bytes read and dropped while lingering before the connection is closed anyway. */
    private long lingerMaxBytes = LINGER_MAX_BYTES;
    /** Why the server closed the connection, when it did (reported for an unfinished TLS handshake). */
    private String closeReason;

    Connection(MiniHttpServer server, IoLoop loop, SocketChannel channel, SelectionKey key, Listener listener)
            throws IOException {
        this.id = server.nextConnectionId();
        this.server = server;
        this.loop = loop;
        this.channel = channel;
        this.key = key;
        this.transport = listener.transportFor(channel);
        ServerOptions options = server.options();
        this.output = new ConnectionOutput(transport, this, options.outputHighWatermark(), options.writeTimeout().toNanos());
        this.remoteAddress = (InetSocketAddress) channel.getRemoteAddress();
        this.localAddress = (InetSocketAddress) channel.getLocalAddress();
        this.acceptedNanos = System.nanoTime();
        this.idleSinceNanos = acceptedNanos;
        transport.whenTasksDone(() -> loop.execute(this::resumeAfterTasks));
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The TLS session, or null on a cleartext listener (and before the handshake completes). */
    @Override
    public javax.net.ssl.SSLSession sslSession() {
        return transport.session();
    }

    boolean hasBufferedInput() {
        return transport.hasBufferedInput();
    }

    // ---- ExchangeCarrier: one HTTP/1.1 exchange at a time ----------------------------------------

    @Override
    public long connectionId() {
        return id;
    }

    @Override
    public ResponseBody newResponseBody(Exchange exchange) {
        return new Http1ResponseBody(exchange, output, server.options().responseBufferSize(), responseBuffer());
    }

    @Override
    public void refuseExchange(String message) {
        try {
            byte[] response = ErrorResponse.encode(503, message, retryAfter(), server.options().serverHeader());
            output.write(ByteBuffer.wrap(response), false);
        } catch (IOException clientGone) {
            log.debug("Could not send 503 on connection {}: {}", id, clientGone.toString());
        }
        exchangeFinished(false);
    }

    @Override
    public void abortExchange() {
        closeFromAnyThread();
    }

    @Override
    public boolean isOutputReady() {
        return output.isReady();
    }

    @Override
    public void whenOutputReady(Runnable callback) {
        output.whenReady(callback);
    }

    // ---- reading (I/O thread) ----------------------------------------------------------------

    void onReadable(ByteBuffer buffer) throws IOException {
        if (state == State.SWITCHED) {
            protocol.onReadable(buffer);
            if (transport.hasBufferedOutput()) {
                addWriteInterest(); // TLS answering a post-handshake message (a key update)
            }
            return;
        }
        buffer.clear();
        int read;
        try {
            read = transport.read(buffer);
        } catch (IOException e) {
            // A reset, or a TLS handshake or record that failed (counted by the TLS layer).
            log.debug("Connection {} from {}: {}", id, remoteAddress, e.toString());
            close();
            return;
        }
        if (transport.hasBufferedOutput()) {
            // The TLS handshake has more to send than the socket took.
            addWriteInterest();
        }
        if (read < 0) {
            if (state == State.DISPATCHED) {
                // A half-close (a shell pipe, `nc -N`) still wants the response: remember, answer, then close.
                inputClosed = true;
                setInterest(key.interestOps() & ~SelectionKey.OP_READ);
                return;
            }
            // The client is done sending. What it sent completely was answered; the rest is lost.
            // It may only have half-closed and still be reading.
            closeBetweenRequests();
            return;
        }
        if (read == 0) {
            if (transport.awaitingTasks()) {
                // A TLS handshake's tasks run elsewhere; resumeAfterTasks reads again.
                setInterest(key.interestOps() & ~SelectionKey.OP_READ);
            }
            return;
        }
        buffer.flip();
        if (state == State.LINGERING) {
            lingerDiscarded += read;
            if (lingerDiscarded > lingerMaxBytes) {
                close();
            }
            return;
        }
        if (state == State.READING) {
            if (!protocolChosen) {
                buffer = chooseProtocol(buffer);
                if (buffer == null) {
                    return; // HTTP/2 now, or the preface is not decided yet
                }
            }
            process(buffer);
        }
        if (state == State.DISPATCHED && buffer.hasRemaining()) {
            keepPipelined(buffer);
        }
    }

    /**
     * HTTP/2 or HTTP/1.1, from the first bytes: ALPN has decided on a TLS connection; on a
     * cleartext one the HTTP/2 preface does. Returns the bytes to parse as HTTP/1.1, or null when
     * the connection switched to HTTP/2 or the bytes so far may still be the preface.
     */
    private ByteBuffer chooseProtocol(ByteBuffer buffer) {
        if (!server.options().http2().enabled()) {
            protocolChosen = true;
            return buffer;
        }
        String alpn = transport.applicationProtocol();
        if (alpn != null) {
            protocolChosen = true;
            if (alpn.equals("h2")) {
                switchToHttp2(buffer);
                return null;
            }
            return buffer;
        }
        ByteBuffer bytes = buffer;
        if (prefaceProbe != null) {
            bytes = ByteBuffer.allocate(prefaceProbe.remaining() + buffer.remaining());
            bytes.put(prefaceProbe).put(buffer).flip();
            prefaceProbe = null;
        }
        switch (Preface.match(bytes)) {
            case PREFACE -> {
                protocolChosen = true;
                switchToHttp2(bytes);
                return null;
            }
            case NEEDS_MORE -> {
                prefaceProbe = ByteBuffer.allocate(bytes.remaining());
                prefaceProbe.put(bytes).flip();
                return null;
            }
            default -> {
                protocolChosen = true;
                return bytes;
            }
        }
    }

    /** HTTP/2 from the first byte (ALPN h2 or the prior-knowledge preface): {@code received} starts with the preface. */
    private void switchToHttp2(ByteBuffer received) {
        releaseDecoders();
        Http2Connection http2 = new Http2Connection(server, loop, this, transport, output);
        protocol = http2;
        state = State.SWITCHED;
        http2.start(received);
    }

    /**
     * {@code Upgrade: h2c} on a cleartext connection (RFC 7540 3.2), with exactly one valid
     * {@code HTTP2-Settings} and both named in {@code Connection}: the settings, else null (the
     * request is then served as HTTP/1.1, which the RFC allows).
     */
    private Http2Settings h2cUpgrade(RequestHead request) {
        if (!server.options().http2().enabled() || transport.applicationProtocol() != null
                || !request.headers().containsToken("Upgrade", "h2c")
                || !request.headers().containsToken("Connection", "Upgrade")
                || !request.headers().containsToken("Connection", "HTTP2-Settings")) {
            return null;
        }
        java.util.List<String> values = request.headers().getAll("HTTP2-Settings");
        if (values.size() != 1) {
            return null;
        }
        try {
            byte[] payload = java.util.Base64.getUrlDecoder().decode(values.get(0).strip());
            return Http2Settings.parse(ByteBuffer.wrap(payload), 0, payload.length);
        } catch (IllegalArgumentException | Http2Exception e) {
            return null;
        }
    }

    /** Answers 101 and goes on in HTTP/2, the request that asked becoming stream 1; {@code rest} is the client's next bytes. */
    private void upgradeToH2c(RequestHead request, RequestBody requestBody, HttpHeaders trailers, Http2Settings settings,
            ByteBuffer rest) {
        requestCount++;
        head = null;
        body = null;
        releaseDecoders();
        try {
            output.write(ByteBuffer.wrap(SWITCHING_TO_H2C), false);
        } catch (IOException e) {
            if (requestBody != null) {
                requestBody.release();
            }
            close();
            return;
        }
        Http2Connection http2 = new Http2Connection(server, loop, this, transport, output);
        protocol = http2;
        state = State.SWITCHED;
        ByteBuffer received = null;
        if (rest != null && rest.hasRemaining()) {
            received = ByteBuffer.allocate(rest.remaining());
            received.put(rest).flip();
        }
        http2.startFromUpgrade(request, requestBody, trailers == null ? new HttpHeaders(0) : trailers, settings, received);
    }

    /**
     * Bytes that arrive while a request runs belong to the next one: requests are answered one at a
     * time, so they wait here. Read interest stays on while a request runs (turning it off and on
     * costs two system calls per request, and a reset is noticed at once); a client that pipelines
     * more than {@link #MAX_PIPELINED_BYTES} is simply not read until this response is done.
     */
    private void keepPipelined(ByteBuffer buffer) {
        if (leftover == null) {
            leftover = ByteBuffer.allocate(buffer.remaining());
        } else {
            ByteBuffer grown = ByteBuffer.allocate(leftover.remaining() + buffer.remaining());
            grown.put(leftover);
            leftover = grown;
        }
        leftover.put(buffer).flip();
        if (leftover.remaining() >= MAX_PIPELINED_BYTES) {
            setInterest(key.interestOps() & ~SelectionKey.OP_READ);
        }
    }

    /** Parses as much of {@code buffer} as the current state allows. */
    private void process(ByteBuffer buffer) {
        try {
            while (state == State.READING && buffer.hasRemaining()) {
                if (head == null) {
                    if (parser == null) {
                        parser = loop.parsers.take();
                    }
                    if (!parser.hasPartialHead()) {
                        headStartNanos = System.nanoTime();
                    }
                    RequestHead parsed = parser.parse(buffer);
                    if (parsed == null) {
                        return;
                    }
                    if (!onHead(parsed)) {
                        return;
                    }
                    if (bodyComplete()) {
                        dispatchOrUpgrade(null, buffer);
                        return;
                    }
                    continue;
                }
                if (readBody(buffer)) {
                    dispatchOrUpgrade(head.framing() == BodyFraming.CHUNKED ? chunkedDecoder.trailers() : null, buffer);
                    return;
                }
            }
        } catch (HttpParseException e) {
            if (log.isDebugEnabled()) {
                log.debug("Connection {} from {}: {} {}", id, remoteAddress, e.status(), e.reason());
            }
            refuse(e.status(), e.reason(), null);
        } catch (IOException e) {
            // Spooling the body failed (disk full, temp dir gone): the server's fault, not the client's.
            log.error("Could not buffer a request body on connection {}: {}", id, e.toString());
            refuse(500, "Could not store the request body", null);
        }
    }

    /** Sets up body reception. Returns false when the request was refused instead. */
    private boolean onHead(RequestHead parsed) throws IOException {
        head = parsed;
        boolean hasBody = parsed.framing() == BodyFraming.CHUNKED
                || (parsed.framing() == BodyFraming.CONTENT_LENGTH && parsed.contentLength() > 0);
        if (!hasBody) {
            return true;
        }
        if (parsed.expectContinue()) {
            // 100 only when the request will run; a client that waits for it then never sends the body.
            if (!server.pool().hasRoom()) {
                server.refusedBeforeBody();
                refuse(503, "Server busy, try again later", retryAfter());
                return false;
            }
            output.write(ByteBuffer.wrap(CONTINUE), false);
        }
        body = new RequestBody(server.options().bodyBufferThreshold(), server.options().tempDirectory(), server.tempFiles());
        bodyStartNanos = System.nanoTime();
        if (parsed.framing() == BodyFraming.CHUNKED) {
            if (chunkedDecoder == null) {
                chunkedDecoder = loop.chunkedDecoders.take();
            }
            chunkedDecoder.reset();
            bodyRemaining = -1;
        } else {
            bodyRemaining = parsed.contentLength();
            body.expect(bodyRemaining);
        }
        return true;
    }

    private boolean bodyComplete() {
        return body == null;
    }

    /** Returns true once the whole body has been received. */
    private boolean readBody(ByteBuffer buffer) throws HttpParseException, IOException {
        if (bodyRemaining < 0) {
            return chunkedDecoder.decode(buffer, body);
        }
        int take = (int) Math.min(bodyRemaining, buffer.remaining());
        ByteBuffer slice = buffer.duplicate();
        slice.limit(slice.position() + take);
        body.write(slice);
        buffer.position(buffer.position() + take);
        bodyRemaining -= take;
        return bodyRemaining == 0;
    }

    /** A complete request: to the pool, or, when it asks for h2c, answered over HTTP/2 after a 101. */
    private void dispatchOrUpgrade(HttpHeaders trailers, ByteBuffer rest) {
        Http2Settings h2c = h2cUpgrade(head);
        if (h2c != null) {
            upgradeToH2c(head, body, trailers, h2c, rest);
            return;
        }
        dispatch(trailers);
    }

    private void dispatch(HttpHeaders trailers) {
        requestCount++;
        RequestHead request = head;
        RequestBody requestBody = body;
        head = null;
        body = null;
        releaseDecoders();
        state = State.DISPATCHED;
        boolean lastAllowed = server.options().maxKeepAliveRequests() > 0
                && requestCount >= server.options().maxKeepAliveRequests();
        Exchange exchange = new Exchange(server, this, request, requestBody,
                trailers == null ? new HttpHeaders(0) : trailers, lastAllowed);
        server.dispatch(exchange, request.path());
    }

    static HttpHeaders retryAfter(int seconds) {
        return new HttpHeaders(1).add("Retry-After", Integer.toString(seconds));
    }

    private HttpHeaders retryAfter() {
        return retryAfter(server.options().retryAfterSeconds());
    }

    /** Answers a request the server will not process, then lingers and closes. I/O thread only. */
    private void refuse(int status, String reason, HttpHeaders extra) {
        if (body != null) {
            body.release();
            body = null;
        }
        head = null;
        try {
            output.write(ByteBuffer.wrap(ErrorResponse.encode(status, reason, extra, server.options().serverHeader())), false);
        } catch (IOException e) {
            close();
            return;
        }
        closeAfterFlush();
    }

    // ---- after the exchange ------------------------------------------------------------------

    /** Called from the exchange (any thread) once its response is complete. */
    @Override
    public void exchangeFinished(boolean keepAlive) {
        if (loop.inLoop()) {
            afterExchange(keepAlive);
        } else {
            loop.execute(() -> afterExchange(keepAlive));
        }
    }

    /** Called from the exchange (any thread) once its 101 response is complete: the handler takes over. */
    @Override
    public void exchangeUpgraded(UpgradeHandler handler, String protocol, String path) {
        Upgraded next = new Upgraded(server, loop, this, transport, output, handler, protocol, path);
        this.protocol = next; // before the check below: close() then tells it, or the check sees the close
        if (loop.inLoop()) {
            afterUpgrade(next);
        } else {
            loop.execute(() -> afterUpgrade(next));
            if (output.isClosed()) {
                // Closed meanwhile, perhaps by a stop whose loop will not run the task: the handler still hears of it.
                next.connectionClosed(null);
            }
        }
    }

    private void afterUpgrade(Upgraded next) {
        if (state == State.CLOSED) {
            next.connectionClosed(null);
            return;
        }
        state = State.SWITCHED;
        ByteBuffer pipelined = leftover;
        leftover = null;
        next.start(pipelined, inputClosed);
        readInterest(!inputClosed);
    }

    /** Upgraded connections only: the I/O thread reads while the protocol's input buffer has room. I/O thread. */
    void readInterest(boolean on) {
        if (state != State.CLOSED && key.isValid()) {
            setInterest(on ? key.interestOps() | SelectionKey.OP_READ : key.interestOps() & ~SelectionKey.OP_READ);
        }
    }

    /**
     * The upgraded protocol closes: what it sent goes out first, then LINGERING. The client may
     * still be sending (a frame the protocol refused): closing at once would reset the connection
     * and could destroy the protocol's last words (a WebSocket close frame). Any thread.
     */
    void closeUpgradedFromAnyThread() {
        if (loop.inLoop()) {
            closeAfterFlush();
        } else {
            loop.execute(this::closeAfterFlush);
        }
    }

    private void afterExchange(boolean keepAlive) {
        // The exchange is over: nothing writes to its buffer any more.
        if (responseBuffer != null) {
            loop.responseBuffers.give(responseBuffer);
            responseBuffer = null;
        }
        if (state == State.CLOSED) {
            return;
        }
        if (!keepAlive) {
            closeAfterFlush();
            return;
        }
        state = State.READING;
        idleSinceNanos = System.nanoTime();
        if (leftover != null) {
            ByteBuffer pipelined = leftover;
            leftover = null;
            process(pipelined);
            if (state == State.DISPATCHED && pipelined.hasRemaining()) {
                leftover = pipelined;
            }
        }
        if (state == State.READING) {
            if (inputClosed) {
                // Everything the client sent before its half-close has been answered.
                closeBetweenRequests();
            } else if ((key.interestOps() & SelectionKey.OP_READ) == 0) {
                setInterest(key.interestOps() | SelectionKey.OP_READ);
            }
        }
    }

    /**
     * The response body buffer of the exchange being dispatched (I/O thread), from the loop's pool:
     * saves allocating and zeroing a buffer per request, and goes back when the exchange is over.
     */
    byte[] responseBuffer() {
        if (responseBuffer == null) {
            responseBuffer = loop.responseBuffers.take();
        }
        return responseBuffer;
    }

    /** The parser and decoder go back to the loop once the request they read is complete (or dropped). */
    private void releaseDecoders() {
        if (parser != null) {
            parser.reset();
            loop.parsers.give(parser);
            parser = null;
        }
        if (chunkedDecoder != null) {
            loop.chunkedDecoders.give(chunkedDecoder);
            chunkedDecoder = null;
        }
    }

    /** For tests: what this connection holds of the loop's pools (and pipelined bytes); empty between requests. */
    java.util.List<String> heldBuffers() {
        java.util.List<String> held = new java.util.ArrayList<>();
        if (responseBuffer != null) {
            held.add("responseBuffer");
        }
        if (parser != null) {
            held.add("parser");
        }
        if (chunkedDecoder != null) {
            held.add("chunkedDecoder");
        }
        if (leftover != null) {
            held.add("leftover");
        }
        if (prefaceProbe != null) {
            held.add("prefaceProbe");
        }
        if (protocol != null) {
            protocol.heldBuffers(held);
        }
        return held;
    }

    private boolean hasPartialHead() {
        return parser != null && parser.hasPartialHead();
    }

    private void closeAfterFlush() {
        if (state == State.CLOSED) {
            return;
        }
        if (output.hasPending()) {
            // Flushing first: bounded by the write timeout (see checkTimeouts), not by the linger
            // deadline, which only starts once the output is shut down.
            closeAfterFlush = true;
            state = State.LINGERING;
            setInterest(SelectionKey.OP_WRITE);
            return;
        }
        linger();
    }

    /**
     * Half-closes and keeps reading for a moment: closing a socket with unread input makes the
     * kernel send a reset, which can destroy the response before the client reads it.
     */
    private void linger() {
        try {
            transport.shutdownOutput();
        } catch (IOException e) {
            close();
            return;
        }
        state = State.LINGERING;
        closeAfterFlush = false;
        lingerDeadlineNanos = System.nanoTime() + LINGER_NANOS;
        setInterest(SelectionKey.OP_READ);
    }

    /** On the I/O thread, once the transport's tasks are done: watch the socket again and go on reading. */
    private void resumeAfterTasks() {
        if (state == State.CLOSED || !key.isValid()) {
            return;
        }
        if (!inputClosed) {
            setInterest(key.interestOps() | SelectionKey.OP_READ);
        }
        try {
            onReadable(loop.readBuffer());
        } catch (IOException | RuntimeException e) {
            log.debug("Closing connection {} after {}", id, e.toString());
            close();
        }
    }

    // ---- writing (I/O thread) ----------------------------------------------------------------

    void onWritable() throws IOException {
        boolean drained;
        try {
            drained = output.flushPending();
        } catch (IOException e) {
            close();
            return;
        }
        if (drained && state != State.CLOSED) {
            setInterest(key.interestOps() & ~SelectionKey.OP_WRITE);
            if (closeAfterFlush) {
                linger();
                return;
            }
        }
        if (state == State.SWITCHED) {
            protocol.onOutputProgress();
        }
    }

    /** From any thread: the output has bytes the socket did not take. */
    void requestWriteInterest() {
        if (loop.inLoop()) {
            addWriteInterest();
        } else {
            loop.execute(this::addWriteInterest);
        }
    }

    private void addWriteInterest() {
        if (state != State.CLOSED && key.isValid()) {
            setInterest(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    void runOnWorker(Runnable task) {
        ConnectionProtocol switched = protocol;
        if (switched != null) {
            switched.runWriteReady(task); // in the protocol's write lane; retried, never dropped, when the queue is full
            return;
        }
        try {
            server.workers().execute(task);
        } catch (RuntimeException rejected) {
            log.warn("Could not schedule a write-ready callback on connection {}: {}", id, rejected.toString());
        }
    }

    // ---- timeouts and shutdown (I/O thread) --------------------------------------------------

    void checkTimeouts(long now, boolean draining) {
        ServerOptions options = server.options();
        if (output.isStalled(now)) {
            log.debug("Connection {}: client stopped reading; closing after the write timeout", id);
            close();
            return;
        }
        switch (state) {
            case READING -> {
                if (head == null && !hasPartialHead()) {
                    long limit = requestCount == 0 ? options.requestHeadTimeout().toNanos() : options.idleTimeout().toNanos();
                    if (output.hasPending()) {
                        // Still sending the last response to a slow reader: not idle (the write
                        // timeout bounds this). The idle clock starts once the output is out.
                        idleSinceNanos = now;
                        if (draining) {
                            closeBetweenRequests();
                        }
                    } else if (draining || now - idleSinceNanos > limit) {
                        // Before the first request this also ends a TLS handshake that stalled.
                        closeReason = draining ? "shutdown" : "timeout";
                        close();
                    }
                } else if (head == null) {
                    if (now - headStartNanos > options.requestHeadTimeout().toNanos()) {
                        refuse(408, "Request head not received in time", null);
                    }
                } else if (bodyTooSlow(now, options)) {
                    refuse(408, "Request body too slow", null);
                }
            }
            case LINGERING -> {
                // While closeAfterFlush the response is still going out to a slow reader: cutting
                // it after the short linger deadline would truncate a Connection: close response.
                if (!closeAfterFlush && now - lingerDeadlineNanos > 0) {
                    close();
                }
            }
            case SWITCHED -> protocol.checkTimeouts(now, draining);
            default -> {
                // DISPATCHED: the worker owns it; CLOSED: nothing to do
            }
        }
    }

    private boolean bodyTooSlow(long now, ServerOptions options) {
        if (options.minBodyRate() == 0 || body == null) {
            return false;
        }
        long elapsed = now - bodyStartNanos;
        long grace = options.bodyRateGracePeriod().toNanos();
        if (elapsed <= grace) {
            return false;
        }
        double seconds = elapsed / 1e9;
        return body.length() < options.minBodyRate() * seconds;
    }

    /** Graceful shutdown: a connection between requests is closed; one mid-request may finish. */
    void closeIfIdle() {
        if (state == State.SWITCHED) {
            protocol.shutdown(); // WebSocket: its last words (1001) on a worker; HTTP/2: GOAWAY
            return;
        }
        if (state == State.READING && head == null && !hasPartialHead()) {
            closeBetweenRequests();
        }
    }

    /**
     * Ends a connection that sits between requests: at once, or, when the last response is still
     * going out, after it (closing now would truncate it, since the socket drops unsent bytes).
     */
    private void closeBetweenRequests() {
        if (output.hasPending()) {
            closeAfterFlush();
        } else {
            close();
        }
    }

    /**
     * The next linger reads little before it closes: for a client that floods (an HTTP/2 GOAWAY
     * ENHANCE_YOUR_CALM), whose further bytes are not worth reading a megabyte of. I/O thread.
     */
    void lingerBriefly() {
        lingerMaxBytes = FLOOD_LINGER_MAX_BYTES;
    }

    /** A switched protocol that has nothing to finish at shutdown ends the connection (what it sent goes out first). */
    void closeForShutdown() {
        closeReason = "shutdown";
        closeBetweenRequests();
    }

    /** From any thread. */
    void closeFromAnyThread() {
        if (loop.inLoop()) {
            close();
        } else {
            loop.execute(this::close);
        }
    }

    /** Closes the socket and releases what the connection holds. I/O thread only; idempotent. */
    void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        output.close();
        transport.close(closeReason);
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // the peer may have reset it already
        }
        if (body != null) {
            body.release();
            body = null;
        }
        leftover = null;
        prefaceProbe = null;
        releaseDecoders();
        // Not given back: a worker may still be writing the response into it.
        responseBuffer = null;
        if (protocol != null) {
            protocol.connectionClosed();
        }
        loop.removed(this);
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    private void setInterest(int ops) {
        if (key.isValid()) {
            key.interestOps(ops);
        }
    }
}
