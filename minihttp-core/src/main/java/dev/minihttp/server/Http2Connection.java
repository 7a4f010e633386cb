package dev.minihttp.server;

import dev.minihttp.http.BodyFraming;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpVersion;
import dev.minihttp.http.RequestHead;
import dev.minihttp.http2.ContentLengthCheck;
import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.FrameListener;
import dev.minihttp.http2.FrameReader;
import dev.minihttp.http2.FrameReaderLimits;
import dev.minihttp.http2.Http2Exception;
import dev.minihttp.http2.Http2RequestHead;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.http2.Preface;
import dev.minihttp.http2.RequestHeaderValidator;
import dev.minihttp.http2.TrailerValidator;
import dev.minihttp.http2.hpack.HeaderListTooLargeException;
import dev.minihttp.http2.hpack.HpackCompressionException;
import dev.minihttp.http2.hpack.HpackDecoder;
import dev.minihttp.http2.hpack.HpackException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/2 on one connection (RFC 9113), after ALPN {@code h2}, the prior-knowledge preface or an
 * {@code Upgrade: h2c}. The I/O thread reads frames, keeps the streams, and receives each request
 * whole (HEADERS, DATA into a {@link RequestBody}, trailers); only a complete request becomes an
 * {@link Exchange} and enters the same bounded queue as HTTP/1.1 requests, so a slow stream costs
 * a stream slot and a buffer, never a worker. Responses go out through the {@link Http2Writer}.
 *
 * <p>Every flood is a budget: streams reset faster than {@link Http2Options#maxResetsPerSecond}
 * (rapid reset), and SETTINGS, PING, PRIORITY, empty DATA and unknown frames faster than
 * {@link Http2Options#maxControlFramesPerSecond} each, end the connection with GOAWAY
 * ENHANCE_YOUR_CALM; field blocks are bounded by the frame reader (CONTINUATION flood) and the
 * HPACK decoder (header list size); frames whose answers the client does not read stop being read
 * while the output is above its watermark. Each end is counted by cause.
 *
 * <p>Everything here runs on the connection's I/O thread, except what {@link Http2Stream} and the
 * writer do for a worker, and {@link #streamEnded}, which hands over to the I/O thread.
 */
final class Http2Connection implements ConnectionProtocol, FrameListener {

    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);
    /** What the connection as a whole lets the client send before the server opens it further. */
    private static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
    /** Closed streams remembered for the frames that may still arrive on them. */
    private static final int RECENTLY_CLOSED = 1024;
    /** Reads of a TLS connection's buffered plaintext per readiness event, before others get a turn. */
    private static final int READS_PER_WAKEUP = 16;

    private final MiniHttpServer server;
    private final IoLoop loop;
    private final Connection connection;
    private final Transport transport;
    private final ConnectionOutput output;
    private final ServerOptions options;
    private final Http2Options limits;
    private final Http2Writer writer;
    private final FrameReader reader;
    private final HpackDecoder decoder;
    private final Map<Integer, Http2Stream> streams = new HashMap<>();
    /** Streams whose request became complete in the current read, dispatched at its end. */
    private final java.util.List<Http2Stream> completed = new ArrayList<>();
    /**
     * How recent streams closed, for the frames that arrive after (RFC 9113 5.1): after our
     * RST_STREAM they are ignored, after the client's they are a stream error, after END_STREAM
     * both ways a connection error; an id below the highest that was never opened is a
     * PROTOCOL_ERROR (5.1.1). Bounded: an older id counts as never opened.
     */
    private final Map<Integer, Closed> closedStreams = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Closed> eldest) {
            return size() > RECENTLY_CLOSED;
        }
    };

    private enum Closed { ENDED, RESET_BY_US, RESET_BY_CLIENT }
    private final int connectionWindowTop;
    private int connectionUnacknowledged;
    private int connectionReceiveWindow;

    /** The highest stream id the client used: below it an unknown stream is closed, above it idle. */
    private int lastStreamId;
    /**
     * The highest stream the server took up, what every GOAWAY names: those the client opened after
     * our GOAWAY are discarded, and a later GOAWAY must not name a higher id (RFC 9113 6.8).
     */
    private int lastAcceptedStreamId;
    private int prefaceLeft = Preface.LENGTH;
    private boolean settingsReceived;
    /** The client acknowledged our SETTINGS: a smaller SETTINGS_INITIAL_WINDOW_SIZE than 65,535 binds it only from here. */
    private boolean settingsAcknowledged;
    private boolean goAwaySent;
    private boolean peerGoingAway;
    private boolean failed;
    private boolean readingPaused;
    private boolean closed;
    private final long startedNanos;
    /**
     * When a stream last opened or closed: the idle clock. Frames that open no stream (PINGs, DATA
     * on streams already reset) do not keep a connection alive, or a client could hold one for ever
     * with junk.
     */
    private long lastActivityNanos;
    private long midFrameSinceNanos;
    /** When the client last sent anything, for the liveness PING. */
    private long lastReadNanos;
    /** When our liveness PING went out, 0 while none is unanswered; its payload is this time. */
    private long pingSentNanos;

    private final FloodBudget resets;
    private final FloodBudget settingsFrames;
    private final FloodBudget pings;
    private final FloodBudget priorities;
    private final FloodBudget emptyFrames;
    private final FloodBudget unknownFrames;
    /** The budget that ran out, for the GOAWAY's cause (set just before the connection error is thrown). */
    private String floodCause;

    Http2Connection(MiniHttpServer server, IoLoop loop, Connection connection, Transport transport, ConnectionOutput output) {
        this.server = server;
        this.loop = loop;
        this.connection = connection;
        this.transport = transport;
        this.output = output;
        this.options = server.options();
        this.limits = options.http2();
        this.writer = new Http2Writer(output, options, server.counters.http2);
        writer.readyRunner(this::runOnWorker);
        // A field block may be as large as the header list it decodes to (HPACK rarely makes it
        // larger); beyond twice that the peer is not sending a request, it is flooding.
        int blockBytes = Math.max(FrameReaderLimits.DEFAULT_MAX_HEADER_BLOCK_BYTES, 2 * options.maxRequestHeadSize());
        this.reader = new FrameReader(new FrameReaderLimits(Http2Settings.MIN_MAX_FRAME_SIZE, blockBytes,
                FrameReaderLimits.DEFAULT_MAX_HEADER_BLOCK_FRAMES));
        this.decoder = new HpackDecoder(HpackDecoder.DEFAULT_TABLE_SIZE, options.maxRequestHeadSize());
        this.connectionWindowTop = Math.max(CONNECTION_WINDOW, limits.initialWindowSize());
        this.connectionReceiveWindow = Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE;
        long now = System.nanoTime();
        this.startedNanos = now;
        this.lastActivityNanos = now;
        this.lastReadNanos = now;
        int control = limits.maxControlFramesPerSecond();
        this.resets = new FloodBudget("rapid_reset", limits.maxResetsPerSecond(), now);
        this.settingsFrames = new FloodBudget("settings_flood", control, now);
        this.pings = new FloodBudget("ping_flood", control, now);
        this.priorities = new FloodBudget("priority_flood", control, now);
        this.emptyFrames = new FloodBudget("empty_frames_flood", control, now);
        this.unknownFrames = new FloodBudget("unknown_frames_flood", control, now);
        server.counters.http2.connections.incrementAndGet();
    }

    // ---- start -------------------------------------------------------------------------------

    /** The server's preface (its SETTINGS), then whatever the client sent already (its preface first). */
    void start(ByteBuffer received) {
        sendPreface();
        if (received != null && received.hasRemaining()) {
            process(received);
        }
    }

    /**
     * After {@code 101 Switching Protocols} for {@code Upgrade: h2c}: the request that asked is
     * stream 1, half-closed, and is answered over HTTP/2 (RFC 7540 3.2); its HTTP2-Settings are the
     * client's first settings. The client's preface comes next, maybe already in {@code received}.
     */
    void startFromUpgrade(RequestHead request, RequestBody body, HttpHeaders trailers, Http2Settings clientSettings,
            ByteBuffer received) {
        sendPreface();
        try {
            writer.peerSettings(clientSettings, streams.values());
        } catch (Http2Exception e) {
            connectionError(e.code(), e.reason(), e.code().name().toLowerCase(Locale.ROOT));
            return;
        }
        HttpHeaders fields = new HttpHeaders(request.headers().size());
        request.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("HTTP2-Settings") && !dev.minihttp.http2.ResponseFields.isConnectionSpecific(name)) {
                fields.add(name, value);
            }
        });
        RequestHead upgraded = new RequestHead(request.method(), request.target(), request.path(), request.query(),
                HttpVersion.HTTP_2_0, fields, request.host(), request.framing(), request.contentLength(), true, false);
        Http2Stream stream = openStream(1);
        lastStreamId = 1;
        lastAcceptedStreamId = 1;
        stream.remoteClosed = true;
        stream.body = body;
        dispatch(stream, upgraded, trailers);
        dispatchCompleted();
        if (received != null && received.hasRemaining()) {
            process(received);
        }
    }

    private void sendPreface() {
        Http2Settings ours = Http2Settings.defaults()
                .with(Http2Settings.MAX_CONCURRENT_STREAMS, limits.maxConcurrentStreams())
                .with(Http2Settings.MAX_HEADER_LIST_SIZE, options.maxRequestHeadSize());
        if (limits.initialWindowSize() != Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE) {
            ours = ours.with(Http2Settings.INITIAL_WINDOW_SIZE, limits.initialWindowSize());
        }
        writer.settings(ours);
        // The connection window starts at 65,535 whatever SETTINGS say: open it at once, so
        // uploads on many streams are not held to that.
        int increment = connectionWindowTop - connectionReceiveWindow;
        if (increment > 0) {
            writer.windowUpdate(0, increment);
            connectionReceiveWindow = connectionWindowTop;
        }
    }

    // ---- reading -----------------------------------------------------------------------------

    @Override
    public void onReadable(ByteBuffer scratch) {
        for (int i = 0; i < READS_PER_WAKEUP && !closed && !readingPaused; i++) {
            scratch.clear();
            int read;
            try {
                read = transport.read(scratch);
            } catch (IOException e) {
                log.debug("HTTP/2 connection {}: {}", connection.id, e.toString());
                connection.close();
                return;
            }
            if (read < 0) {
                // The client is gone (HTTP/2 has no half-close): what runs finds the socket closed.
                connection.close();
                return;
            }
            if (read == 0) {
                return;
            }
            scratch.flip();
            process(scratch);
            if (!transport.hasBufferedInput()) {
                return;
            }
        }
    }

    private void process(ByteBuffer in) {
        if (failed) {
            in.position(in.limit()); // after our GOAWAY: read and dropped until the connection closes
            return;
        }
        long now = System.nanoTime();
        lastReadNanos = now;
        if (prefaceLeft > 0 && !readPreface(in)) {
            return;
        }
        while (!failed) {
            try {
                reader.read(in, this);
                break;
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    connectionError(e.code(), e.reason(), causeOf(e));
                    return;
                }
                streamError(e.streamId(), e.code(), e.reason());
            }
        }
        dispatchCompleted();
        midFrameSinceNanos = reader.isMidFrame() ? (midFrameSinceNanos == 0 ? now : midFrameSinceNanos) : 0;
        if (!failed && !output.isReady()) {
            // The client does not read what its frames make us send (PING and SETTINGS answers,
            // responses): it is not read either until it does.
            readingPaused = true;
            connection.readInterest(false);
        }
    }

    private boolean readPreface(ByteBuffer in) {
        byte[] preface = Preface.bytes();
        while (prefaceLeft > 0 && in.hasRemaining()) {
            if (in.get() != preface[Preface.LENGTH - prefaceLeft]) {
                connectionError(ErrorCode.PROTOCOL_ERROR, "not the HTTP/2 client preface", "protocol_error");
                return false;
            }
            prefaceLeft--;
        }
        return prefaceLeft == 0;
    }

    // ---- FrameListener -------------------------------------------------------------------------

    @Override
    public void onHeaders(int streamId, ByteBuffer block, boolean endStream) throws Http2Exception {
        settingsReceived = true;
        if ((streamId & 1) == 0) {
            decodeAndDiscard(block);
            throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR, "stream " + streamId + " is a server's id");
        }
        Http2Stream stream = streams.get(streamId);
        if (stream != null && !stream.reset) {
            trailers(stream, block, endStream);
            return;
        }
        if (stream != null || streamId <= lastStreamId) {
            decodeAndDiscard(block);
            Closed closed = stream != null ? (stream.peerReset ? Closed.RESET_BY_CLIENT : Closed.RESET_BY_US)
                    : closedStreams.get(streamId);
            if (closed == null) {
                throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR,
                        "stream " + streamId + " is below the highest stream opened, " + lastStreamId);
            }
            lateFrame(streamId, closed, "HEADERS");
            return;
        }
        lastStreamId = streamId;
        if (goAwaySent || peerGoingAway) {
            decodeAndDiscard(block); // beyond our GOAWAY's last stream: the client retries it elsewhere
            remember(streamId, Closed.RESET_BY_US); // and its DATA, already on the way, is discarded with it (6.8)
            return;
        }
        lastAcceptedStreamId = streamId;
        RequestFields fields = new RequestFields(streamId);
        boolean tooLarge = false;
        try {
            decoder.decode(block, fields);
        } catch (HeaderListTooLargeException e) {
            tooLarge = true;
        } catch (HpackCompressionException e) {
            throw Http2Exception.connectionError(ErrorCode.COMPRESSION_ERROR, e.getMessage());
        } catch (HpackException e) {
            throw Http2Exception.connectionError(ErrorCode.COMPRESSION_ERROR, e.getMessage());
        }
        if (streams.size() >= limits.maxConcurrentStreams() && openStreams() >= limits.maxConcurrentStreams()) {
            server.counters.http2.refused.increment();
            throw Http2Exception.streamError(streamId, ErrorCode.REFUSED_STREAM, "over SETTINGS_MAX_CONCURRENT_STREAMS");
        }
        if (tooLarge || fields.count > options.maxHeaderCount()) {
            answerNew(streamId, endStream, 431, "Request header fields too large");
            return;
        }
        Http2RequestHead head = fields.end();
        if (head.isConnect()) {
            answerNew(streamId, endStream, 501, "CONNECT is not supported");
            return;
        }
        Http2Stream opened = openStream(streamId);
        if (endStream) {
            opened.remoteClosed = true;
            dispatch(opened, requestHead(head, false), null);
            return;
        }
        if (head.contentLength() > options.maxRequestBodySize()) {
            opened.head = requestHead(head, true);
            answer(opened, 413, "Request body larger than the limit", false);
            return;
        }
        opened.head = requestHead(head, true);
        opened.contentLength = new ContentLengthCheck(streamId, head.contentLength());
        opened.body = new RequestBody(options.bodyBufferThreshold(), options.tempDirectory(), server.tempFiles());
        if (head.contentLength() > 0) {
            opened.body.expect(head.contentLength());
        }
        opened.bodyStartNanos = System.nanoTime();
        if (head.headers().containsToken("expect", "100-continue")) {
            if (!server.pool().hasRoom()) {
                server.refusedBeforeBody();
                answer(opened, 503, "Server busy, try again later", true);
                return;
            }
            try {
                writer.headers(opened, 100, new HttpHeaders(0), false);
            } catch (IOException e) {
                // the connection is going; its close resets the stream
            }
        }
    }

    /** A second field block on an open stream: trailers, which must end it (RFC 9113 8.1). */
    private void trailers(Http2Stream stream, ByteBuffer block, boolean endStream) throws Http2Exception {
        TrailerFields fields = new TrailerFields(stream.id);
        try {
            decoder.decode(block, fields);
        } catch (HeaderListTooLargeException e) {
            fields.failure = Http2Exception.streamError(stream.id, ErrorCode.PROTOCOL_ERROR, "trailers too large");
        } catch (HpackException e) {
            throw Http2Exception.connectionError(ErrorCode.COMPRESSION_ERROR, e.getMessage());
        }
        if (stream.remoteClosed) {
            throw Http2Exception.streamError(stream.id, ErrorCode.STREAM_CLOSED, "HEADERS after END_STREAM");
        }
        if (!endStream) {
            throw Http2Exception.streamError(stream.id, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
        }
        if (fields.failure != null) {
            throw fields.failure;
        }
        stream.remoteClosed = true;
        if (stream.answeredEarly || stream.head == null) {
            return;
        }
        stream.contentLength.end();
        dispatch(stream, stream.head, fields.validator.end());
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlledLength) throws Http2Exception {
        if (flowControlledLength > connectionReceiveWindow) {
            throw Http2Exception.connectionError(ErrorCode.FLOW_CONTROL_ERROR, "DATA beyond the connection window");
        }
        connectionReceiveWindow -= flowControlledLength;
        connectionUnacknowledged += flowControlledLength;
        if (connectionUnacknowledged >= connectionWindowTop / 2) {
            // Bodies are buffered (spooled to disk past a threshold) as they come: what arrived is consumed.
            writer.windowUpdate(0, connectionUnacknowledged);
            connectionReceiveWindow += connectionUnacknowledged;
            connectionUnacknowledged = 0;
        }
        if (flowControlledLength == 0 && !endStream) {
            spend(emptyFrames);
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null || stream.reset) {
            if (stream == null && streamId > lastStreamId) {
                throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR, "DATA on idle stream " + streamId);
            }
            Closed closed = stream != null ? (stream.peerReset ? Closed.RESET_BY_CLIENT : Closed.RESET_BY_US)
                    : closedStreams.getOrDefault(streamId, Closed.ENDED);
            lateFrame(streamId, closed, "DATA");
            return;
        }
        if (stream.remoteClosed) {
            throw Http2Exception.streamError(streamId, ErrorCode.STREAM_CLOSED, "DATA after END_STREAM");
        }
        stream.receiveWindow.receive(flowControlledLength);
        if (!stream.answeredEarly && stream.body != null && data.hasRemaining()) {
            if (stream.body.length() + data.remaining() > options.maxRequestBodySize()) {
                answer(stream, 413, "Request body larger than the limit", false);
            } else {
                stream.contentLength.data(data.remaining());
                try {
                    stream.body.write(data);
                } catch (IOException e) {
                    log.error("Could not buffer a request body on {}: {}", stream, e.toString());
                    answer(stream, 500, "Could not store the request body", false);
                }
            }
        }
        if (endStream) {
            stream.remoteClosed = true;
            if (stream.answeredEarly) {
                if (stream.localClosed) {
                    removeStream(stream);
                }
                return;
            }
            stream.contentLength.end();
            dispatch(stream, stream.head, null);
            return;
        }
        stream.unacknowledged += flowControlledLength;
        if (stream.unacknowledged > 0 && stream.unacknowledged >= limits.initialWindowSize() / 2) {
            writer.windowUpdate(streamId, stream.unacknowledged);
            stream.receiveWindow.increment(stream.unacknowledged);
            stream.unacknowledged = 0;
        }
    }

    @Override
    public void onRstStream(int streamId, int errorCode) throws Http2Exception {
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR, "RST_STREAM on idle stream " + streamId);
            }
            return; // closed already
        }
        server.counters.http2.reset("client");
        spend(resets);
        writer.peerReset(stream);
    }

    @Override
    public void onSettings(Http2Settings settings) throws Http2Exception {
        settingsReceived = true;
        spend(settingsFrames);
        writer.peerSettings(settings, streams.values());
        writer.settingsAck();
    }

    @Override
    public void onSettingsAck() throws Http2Exception {
        if (settingsAcknowledged) {
            return;
        }
        settingsAcknowledged = true;
        // Until now the client could send on the default window (RFC 9113 6.9.3); ours binds from here.
        if (limits.initialWindowSize() < Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE) {
            for (Http2Stream stream : streams.values()) {
                stream.receiveWindow.initialSizeChanged(Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE, limits.initialWindowSize());
            }
        }
    }

    @Override
    public void onPing(boolean ack, long payload) throws Http2Exception {
        if (!ack) {
            spend(pings);
            writer.pingAck(payload);
        } else if (payload == pingSentNanos) {
            pingSentNanos = 0;
        }
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        if (errorCode != 0 && log.isDebugEnabled()) {
            log.debug("HTTP/2 connection {}: the client sent GOAWAY {}", connection.id, ErrorCode.of(errorCode));
        }
        peerGoingAway = true;
        if (streams.isEmpty()) {
            connection.closeForShutdown();
        }
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        if (streamId == 0) {
            writer.windowUpdate(null, increment);
            return;
        }
        Http2Stream stream = streams.get(streamId);
        if (stream == null) {
            if (streamId > lastStreamId) {
                throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on idle stream " + streamId);
            }
            return;
        }
        writer.windowUpdate(stream, increment);
    }

    @Override
    public void onPriority(int streamId, int dependency, boolean exclusive, int weight) throws Http2Exception {
        spend(priorities);
    }

    @Override
    public void onUnknownFrame(int type, int flags, int streamId, int length) throws Http2Exception {
        spend(unknownFrames);
    }

    private void spend(FloodBudget budget) throws Http2Exception {
        if (!budget.spend(System.nanoTime())) {
            floodCause = budget.name();
            throw Http2Exception.connectionError(ErrorCode.ENHANCE_YOUR_CALM, budget.name().replace('_', ' '));
        }
    }

    // ---- streams -------------------------------------------------------------------------------

    private Http2Stream openStream(int streamId) {
        int receiveWindow = settingsAcknowledged ? limits.initialWindowSize()
                : Math.max(limits.initialWindowSize(), Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE);
        Http2Stream stream = new Http2Stream(streamId, this, receiveWindow, writer.newSendWindow(streamId));
        streams.put(streamId, stream);
        server.counters.http2.streams.incrementAndGet();
        lastActivityNanos = System.nanoTime();
        return stream;
    }

    private static RequestHead requestHead(Http2RequestHead head, boolean hasBody) {
        HttpHeaders fields = head.headers();
        if (head.authority() != null && !fields.contains("host")) {
            // Servlet applications read the authority from Host (Tomcat fills it in the same way).
            fields.add("host", head.authority());
        }
        BodyFraming framing = hasBody ? BodyFraming.CONTENT_LENGTH : BodyFraming.NONE;
        return new RequestHead(head.method(), head.target(), head.path(), head.query(), HttpVersion.HTTP_2_0, fields,
                head.authority(), framing, head.contentLength(), true, false);
    }

    /** A complete request: an exchange for the pool, or 503 on the stream when the queue is full. */
    /**
     * A complete request. It goes to the pool once the bytes read so far are processed
     * ({@link #dispatchCompleted}): a stream the client resets in the same read (the rapid-reset
     * attack sends HEADERS and RST_STREAM together) never becomes work for a worker at all.
     */
    private void dispatch(Http2Stream stream, RequestHead head, HttpHeaders trailers) {
        stream.head = head;
        stream.requestTrailers = trailers == null ? new HttpHeaders(0) : trailers;
        completed.add(stream);
    }

    /** The streams completed by what was just read, to the pool (or answered 503 there). */
    private void dispatchCompleted() {
        if (completed.isEmpty()) {
            return;
        }
        for (Http2Stream stream : completed) {
            if (stream.reset || streams.get(stream.id) != stream) {
                continue;
            }
            stream.responseBuffer = loop.responseBuffers.take();
            Exchange exchange = new Exchange(server, stream, stream.head, stream.body, stream.requestTrailers, false);
            stream.exchange = exchange;
            stream.body = null; // the exchange's now: it releases it
            server.dispatch(exchange, stream.head.path() == null ? "*" : stream.head.path());
        }
        completed.clear();
    }

    /**
     * The server answers a stream itself (503, 413, 408...): a short text response; when the request
     * is still arriving its body is discarded, and the stream reset with NO_ERROR once answered.
     */
    void answer(Http2Stream stream, int status, String reason, boolean retryAfter) {
        if (!stream.remoteClosed) {
            stream.answeredEarly = true;
            if (stream.body != null) {
                stream.body.release();
                stream.body = null;
            }
        }
        HttpHeaders fields = new HttpHeaders(4);
        ByteBuffer body = Http2Stream.reasonBody(reason);
        fields.add("content-type", "text/plain;charset=UTF-8");
        fields.add("content-length", Integer.toString(body.remaining()));
        if (retryAfter) {
            fields.add("retry-after", Integer.toString(options.retryAfterSeconds()));
        }
        fields.add("date", dev.minihttp.http.HttpDate.now());
        if (options.serverHeader() != null) {
            fields.add("server", options.serverHeader());
        }
        try {
            writer.headers(stream, status, fields, false);
            writer.data(stream, new ByteBuffer[] {body}, true, null, false);
        } catch (IOException e) {
            log.debug("Could not answer {} on {}: {}", status, stream, e.toString());
        }
    }

    /** Answers a stream the server keeps no request for (431, 501): opened, answered, closed. */
    private void answerNew(int streamId, boolean endStream, int status, String reason) {
        Http2Stream stream = openStream(streamId);
        stream.remoteClosed = endStream;
        answer(stream, status, reason, false);
    }

    /** From the writer (any thread, under its lock): END_STREAM or RST_STREAM went out. */
    void streamEnded(Http2Stream stream) {
        // Later, on the I/O thread: the caller holds the writer's lock, and the streams are the loop's.
        loop.execute(() -> removeStream(stream));
    }

    private void removeStream(Http2Stream stream) {
        if (streams.get(stream.id) != stream) {
            return;
        }
        if (!stream.remoteClosed && !stream.reset) {
            // Answered before the request was complete (RFC 9113 8.1): the client may stop sending.
            if (!stream.localClosed) {
                return;
            }
            remember(stream.id, Closed.RESET_BY_US);
            writer.rstStream(stream.id, ErrorCode.NO_ERROR);
            server.counters.http2.reset("no_error");
        } else if (stream.reset) {
            remember(stream.id, stream.peerReset ? Closed.RESET_BY_CLIENT : Closed.RESET_BY_US);
        } else {
            remember(stream.id, Closed.ENDED);
        }
        streams.remove(stream.id);
        server.counters.http2.streams.decrementAndGet();
        if (stream.body != null) {
            stream.body.release();
            stream.body = null;
        }
        if (stream.responseBuffer != null) {
            if (!stream.reset) {
                // END_STREAM is out: the exchange has written its last byte from the buffer
                loop.responseBuffers.give(stream.responseBuffer);
            }
            stream.responseBuffer = null;
        }
        lastActivityNanos = System.nanoTime();
        if (streams.isEmpty() && (goAwaySent || peerGoingAway)) {
            connection.closeForShutdown();
        }
    }

    private void remember(int streamId, Closed how) {
        closedStreams.put(streamId, how);
    }

    /** A DATA or HEADERS frame on a stream that is closed (RFC 9113 5.1, "closed"). */
    private static void lateFrame(int streamId, Closed closed, String frame) throws Http2Exception {
        switch (closed) {
            case RESET_BY_US -> {
                // "An endpoint MUST ignore frames that it receives on closed streams after it has sent a RST_STREAM"
            }
            case RESET_BY_CLIENT -> throw Http2Exception.streamError(streamId, ErrorCode.STREAM_CLOSED,
                    frame + " after the client's RST_STREAM");
            default -> throw Http2Exception.connectionError(ErrorCode.STREAM_CLOSED, frame + " on closed stream " + streamId);
        }
    }

    /** A worker cuts its response short (the exchange aborted): the stream is reset. */
    void resetFromAnyThread(Http2Stream stream, ErrorCode code) {
        // Counted only when sent: a response cut short by the client's reset (or ours) is not one more reset.
        if (writer.rstStream(stream, code)) {
            server.counters.http2.reset(code.name().toLowerCase(Locale.ROOT));
        }
    }

    private void streamError(int streamId, ErrorCode code, String reason) {
        if (log.isDebugEnabled()) {
            log.debug("HTTP/2 connection {}: stream {} error {}: {}", connection.id, streamId, code, reason);
        }
        if (!resets.spend(System.nanoTime())) {
            // A peer that makes us reset streams as fast as it can is flooding too (CVE-2019-9514).
            connectionError(ErrorCode.ENHANCE_YOUR_CALM, "too many stream errors", "reset_flood");
            return;
        }
        server.counters.http2.reset(code.name().toLowerCase(Locale.ROOT));
        Http2Stream stream = streams.get(streamId);
        remember(streamId, Closed.RESET_BY_US);
        if (stream != null) {
            writer.rstStream(stream, code);
        } else {
            writer.rstStream(streamId, code);
        }
    }

    /** GOAWAY with the error, then the connection closes once the GOAWAY is out. */
    private void connectionError(ErrorCode code, String reason, String cause) {
        if (failed) {
            return;
        }
        failed = true;
        if (log.isDebugEnabled()) {
            log.debug("HTTP/2 connection {} from {}: GOAWAY {} ({})", connection.id, connection.remoteAddress(), code, reason);
        }
        server.counters.http2.goAway(cause);
        writer.goAway(lastAcceptedStreamId, code, reason);
        for (Http2Stream stream : new ArrayList<>(streams.values())) {
            stream.reset = true;
        }
        completed.clear();
        if (code == ErrorCode.ENHANCE_YOUR_CALM) {
            connection.lingerBriefly(); // a flood: what else it sends is not worth reading a megabyte of
        }
        connection.closeUpgradedFromAnyThread();
    }

    private String causeOf(Http2Exception e) {
        return floodCause != null ? floodCause : e.code().name().toLowerCase(Locale.ROOT);
    }

    private void decodeAndDiscard(ByteBuffer block) throws Http2Exception {
        try {
            decoder.decode(block, (name, value) -> { });
        } catch (HeaderListTooLargeException ignored) {
            // counted for nothing: the block is dropped anyway
        } catch (HpackException e) {
            throw Http2Exception.connectionError(ErrorCode.COMPRESSION_ERROR, e.getMessage());
        }
    }

    // ---- ConnectionProtocol --------------------------------------------------------------------

    @Override
    public void onOutputProgress() {
        writer.resume();
        if (readingPaused && output.isReady() && !closed) {
            readingPaused = false;
            connection.readInterest(true);
            if (transport.hasBufferedInput()) {
                onReadable(loop.readBuffer());
            }
        }
    }

    @Override
    public void checkTimeouts(long now, boolean draining) {
        if (closed || failed) {
            return;
        }
        long headTimeout = options.requestHeadTimeout().toNanos();
        if ((prefaceLeft > 0 || !settingsReceived) && now - startedNanos > headTimeout) {
            // The client never said a word of HTTP/2: a stalled handshake, like a request head that never came.
            connection.close();
            return;
        }
        if (midFrameSinceNanos != 0 && now - midFrameSinceNanos > headTimeout) {
            goAwayAndClose(ErrorCode.NO_ERROR, "frame not received in time", "timeout");
            return;
        }
        for (Http2Stream stream : new ArrayList<>(streams.values())) {
            if (stream.body != null && !stream.remoteClosed && !stream.answeredEarly && bodyTooSlow(stream, now)) {
                answer(stream, 408, "Request body too slow", false);
            }
        }
        if (streams.isEmpty() && now - lastActivityNanos > options.idleTimeout().toNanos()) {
            goAwayAndClose(ErrorCode.NO_ERROR, "idle", "idle");
            return;
        }
        if (!checkLiveness(now)) {
            return;
        }
        if (draining) {
            shutdown();
        }
    }

    /**
     * A client silent for an idle timeout while its streams wait for their responses (a long
     * poll, a slow report) gets a PING; one that does not answer it within the write timeout is
     * gone without a word (a cable pulled, a NAT that forgot it) and the connection is closed,
     * instead of holding its streams until the responses are written. Returns false when closed.
     */
    private boolean checkLiveness(long now) {
        if (streams.isEmpty()) {
            pingSentNanos = 0;
            return true;
        }
        if (pingSentNanos != 0) {
            if (now - pingSentNanos > options.writeTimeout().toNanos()) {
                log.debug("HTTP/2 connection {}: no answer to PING, closing", connection.id);
                server.counters.http2.goAway("ping_timeout");
                writer.goAway(lastAcceptedStreamId, ErrorCode.NO_ERROR, "ping timeout");
                connection.close();
                return false;
            }
        } else if (now - lastReadNanos > options.idleTimeout().toNanos()) {
            pingSentNanos = now == 0 ? 1 : now;
            writer.ping(pingSentNanos);
        }
        return true;
    }

    private boolean bodyTooSlow(Http2Stream stream, long now) {
        if (options.minBodyRate() == 0) {
            return false;
        }
        long elapsed = now - stream.bodyStartNanos;
        if (elapsed <= options.bodyRateGracePeriod().toNanos()) {
            return false;
        }
        return stream.body.length() < options.minBodyRate() * (elapsed / 1e9);
    }

    private void goAwayAndClose(ErrorCode code, String reason, String cause) {
        goAwaySent = true;
        server.counters.http2.goAway(cause);
        writer.goAway(lastAcceptedStreamId, code, reason);
        connection.closeForShutdown();
    }

    /** GOAWAY with the last stream taken; what runs finishes, then the connection closes. */
    @Override
    public void shutdown() {
        if (closed) {
            return;
        }
        if (!goAwaySent) {
            goAwaySent = true;
            server.counters.http2.goAway("shutdown");
            writer.goAway(lastAcceptedStreamId, ErrorCode.NO_ERROR, "shutdown");
        }
        if (streams.isEmpty()) {
            connection.closeForShutdown();
        }
    }

    @Override
    public void connectionClosed() {
        if (closed) {
            return;
        }
        closed = true;
        writer.close();
        for (Http2Stream stream : streams.values()) {
            stream.reset = true;
            if (stream.body != null) {
                stream.body.release();
                stream.body = null;
            }
            stream.responseBuffer = null; // a worker may still be writing into it
        }
        server.counters.http2.streams.addAndGet(-streams.size());
        streams.clear();
        server.counters.http2.connections.decrementAndGet();
    }

    @Override
    public void runWriteReady(Runnable task) {
        runOnWorker(task);
    }

    void runOnWorker(Runnable task) {
        try {
            server.workers().execute(task);
        } catch (RejectedExecutionException rejected) {
            log.warn("Could not schedule a write-ready callback on HTTP/2 connection {}: {}", connection.id, rejected.toString());
        }
    }

    @Override
    public void heldBuffers(java.util.List<String> held) {
        for (Http2Stream stream : streams.values()) {
            if (stream.responseBuffer != null) {
                held.add("responseBuffer(stream " + stream.id + ")");
            }
        }
    }

    // ---- for streams ---------------------------------------------------------------------------

    Http2Writer writer() {
        return writer;
    }

    int responseBufferSize() {
        return options.responseBufferSize();
    }

    long connectionId() {
        return connection.id;
    }

    InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    InetSocketAddress localAddress() {
        return connection.localAddress();
    }

    SSLSession sslSession() {
        return connection.sslSession();
    }

    /**
     * Streams that count against SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 5.1.2): not those closed
     * both ways whose removal is still queued on the loop (see {@link #streamEnded}). The client
     * may open its next stream the moment it reads an END_STREAM, before that removal ran; they
     * are not removed here, as the worker that sent the END_STREAM may still be writing from the
     * stream's response buffer. I/O thread.
     */
    private int openStreams() {
        int open = 0;
        for (Http2Stream stream : streams.values()) {
            if (!(stream.localClosed && (stream.remoteClosed || stream.reset))) {
                open++;
            }
        }
        return open;
    }

    /** Decoded request fields into the validator; the first malformed one is kept for after the block. */
    private static final class RequestFields implements dev.minihttp.http2.hpack.HeaderSink {
        final RequestHeaderValidator validator;
        Http2Exception failure;
        int count;

        RequestFields(int streamId) {
            validator = new RequestHeaderValidator(streamId);
        }

        @Override
        public void header(String name, String value) {
            count++;
            if (failure == null) {
                try {
                    validator.header(name, value);
                } catch (Http2Exception e) {
                    failure = e;
                }
            }
        }

        Http2RequestHead end() throws Http2Exception {
            if (failure != null) {
                throw failure;
            }
            return validator.end();
        }
    }

    private static final class TrailerFields implements dev.minihttp.http2.hpack.HeaderSink {
        final TrailerValidator validator;
        Http2Exception failure;

        TrailerFields(int streamId) {
            validator = new TrailerValidator(streamId);
        }

        @Override
        public void header(String name, String value) {
            if (failure == null) {
                try {
                    validator.header(name, value);
                } catch (Http2Exception e) {
                    failure = e;
                }
            }
        }
    }
}
