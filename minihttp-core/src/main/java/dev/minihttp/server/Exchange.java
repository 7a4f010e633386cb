package dev.minihttp.server;

import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpVersion;
import dev.minihttp.http.RequestHead;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response: the pool runs it as a {@link WorkerTask}, and the handler sees it
 * through two views, {@link RequestView} and {@link ResponseView}. Created by the I/O thread once the request is
 * complete; ends when the response completes or the connection is closed, and then releases the
 * buffered body (deleting its temp file).
 */
final class Exchange implements WorkerTask {

    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    private static final byte[] INTERNAL_ERROR = "Internal Server Error\n".getBytes(StandardCharsets.UTF_8);

    private final MiniHttpServer server;
    private final ExchangeCarrier carrier;
    private final RequestHead head;
    private final RequestBody requestBody;
    private final HttpHeaders trailers;
    private final boolean lastOnConnection;
    private final long requestId;
    private final long readyNanos;
    private final ResponseBody responseBody;

    final Request request = new RequestView();
    final Response response = new ResponseView();

    private volatile long queueWaitNanos;
    private InputStream bodyStream;
    private int status = 200;
    private HttpHeaders responseHeaders = new HttpHeaders(8);
    private volatile boolean suspended;
    private volatile boolean finished;
    /** Claimed once by whoever ends the exchange (complete, abort or reject): the connection hears of it once. */
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Serialises completers, so only the first one writes the end of the body. */
    private final Object completion = new Object();
    /** The worker inside {@link #run()}, while it is there. */
    private volatile Thread runningOn;
    /**
     * Set when the response completed inside run(): the connection hears of it in afterRun(). Written
     * and read only by the worker that runs this exchange, so it needs no lock.
     */
    private Boolean handBackKeepAlive;
    /** Set by {@link Response#upgrade}: the protocol that takes the connection once the 101 is out. */
    private volatile UpgradeHandler upgrade;

    Exchange(MiniHttpServer server, ExchangeCarrier carrier, RequestHead head, RequestBody requestBody,
             HttpHeaders trailers, boolean lastOnConnection) {
        this.server = server;
        this.carrier = carrier;
        this.head = head;
        this.requestBody = requestBody;
        this.trailers = trailers;
        this.lastOnConnection = lastOnConnection;
        this.requestId = server.nextRequestId();
        this.readyNanos = System.nanoTime();
        this.responseBody = carrier.newResponseBody(this);
    }

    // ---- WorkerTask --------------------------------------------------------------------------

    @Override
    public void run() throws Exception {
        queueWaitNanos = System.nanoTime() - readyNanos;
        if (carrier.isCancelled()) {
            // The client reset the stream while it waited: running it would be work for nobody
            // (what a rapid-reset attack counts on).
            abandon();
            return;
        }
        runningOn = Thread.currentThread();
        try {
            try {
                server.handler().handle(request, response);
            } catch (Exception | Error thrown) {
                failed(thrown);
                throw thrown;
            }
            if (!suspended) {
                complete();
            }
        } finally {
            runningOn = null;
        }
    }

    @Override
    public void afterRun() {
        Boolean keepAlive = handBackKeepAlive;
        handBackKeepAlive = null;
        if (keepAlive != null) {
            handOver(keepAlive);
        }
    }

    /** The connection moves on: to its next request, or to the protocol this response switched to. */
    private void handOver(boolean keepAlive) {
        UpgradeHandler handler = upgrade;
        if (keepAlive && handler != null && isUpgrading()) {
            carrier.exchangeUpgraded(handler, head.headers().get("Upgrade"), head.path());
        } else {
            if (handler != null) {
                log.debug("Upgrade on connection {} abandoned: the response was {}", carrier.connectionId(), status);
            }
            carrier.exchangeFinished(keepAlive);
        }
    }

    /** Whether this response switches protocols (101 with an {@link UpgradeHandler}). */
    boolean isUpgrading() {
        return upgrade != null && status == 101;
    }

    /**
     * Gives the connection back for its next request: at once, or, when the response completed on the
     * worker inside run(), once that worker is idle again (see {@link WorkerTask#afterRun()}).
     */
    private void handBack(boolean keepAlive) {
        if (runningOn == Thread.currentThread()) {
            handBackKeepAlive = keepAlive;
        } else {
            handOver(keepAlive);
        }
    }

    /** Answers a handler failure: 500 when nothing was sent yet, otherwise the connection is cut. */
    private void failed(Throwable thrown) {
        if (finished) {
            return;
        }
        if (responseBody.isCommitted()) {
            abort();
            return;
        }
        try {
            reset();
            status = 500;
            responseHeaders.set("Content-Type", "text/plain;charset=UTF-8");
            responseBody.write(INTERNAL_ERROR, 0, INTERNAL_ERROR.length);
            complete();
        } catch (IOException | RuntimeException e) {
            abort();
        }
    }

    @Override
    public void reject(String reason) {
        release();
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        finished = true;
        responseBody.abandon();
        // The pool's reason is a metric tag; the client hears what it means for it.
        carrier.refuseExchange("shutdown".equals(reason) ? "Server shutting down" : "Server busy, try again later");
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String path() {
        return head.path();
    }

    /** Sends what is buffered, terminates the body and frees the connection. Idempotent, also across threads. */
    void complete() {
        if (finished) {
            return;
        }
        synchronized (completion) {
            if (finished) {
                return;
            }
            boolean keepAlive = false;
            try {
                keepAlive = responseBody.complete();
            } catch (IOException e) {
                log.debug("Could not complete the response on connection {}: {}", carrier.connectionId(), e.toString());
                carrier.abortExchange();
            } finally {
                if (ended.compareAndSet(false, true)) {
                    finished = true;
                    release();
                    handBack(keepAlive);
                }
            }
        }
    }

    /** Cuts the exchange short without completing the response (HTTP/1.1: closes the connection). */
    void abort() {
        if (abandon()) {
            carrier.abortExchange();
        }
    }

    /** Ends the exchange without a word to the client; false when it had ended already. */
    private boolean abandon() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        finished = true;
        responseBody.abandon();
        release();
        return true;
    }

    void reset() {
        responseBody.reset();
        status = 200;
        responseHeaders = new HttpHeaders(8);
    }

    int status() {
        return status;
    }

    HttpHeaders headers() {
        return responseHeaders;
    }

    HttpVersion version() {
        return head.version();
    }

    private void runOnWorker(Runnable task) {
        if (!server.pool().submit(WorkerTask.continuation(task, head.method(), head.path()))) {
            throw new RejectedExecutionException("worker queue is full");
        }
    }

    /** What the handler reads. */
    private final class RequestView implements Request {

        @Override
        public String method() {
            return head.method();
        }

        @Override
        public String path() {
            return head.path();
        }


        @Override
        public String target() {
            return head.target();
        }

        @Override
        public String query() {
            return head.query();
        }

        @Override
        public HttpVersion version() {
            return head.version();
        }

        @Override
        public HttpHeaders headers() {
            return head.headers();
        }

        @Override
        public String host() {
            return head.host();
        }

        @Override
        public InputStream body() {
            if (bodyStream == null) {
                try {
                    bodyStream = requestBody == null ? new ByteArrayInputStream(new byte[0]) : requestBody.open();
                } catch (IOException e) {
                    throw new UncheckedIOException("could not open the buffered request body", e);
                }
            }
            return bodyStream;
        }

        @Override
        public long contentLength() {
            return requestBody == null ? 0 : requestBody.length();
        }

        @Override
        public HttpHeaders trailers() {
            return trailers;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return carrier.remoteAddress();
        }

        @Override
        public InetSocketAddress localAddress() {
            return carrier.localAddress();
        }

        @Override
        public javax.net.ssl.SSLSession sslSession() {
            return carrier.sslSession();
        }

        @Override
        public long connectionId() {
            return carrier.connectionId();
        }

        @Override
        public long requestId() {
            return requestId;
        }

        @Override
        public long queueWaitNanos() {
            return queueWaitNanos;
        }

        @Override
        public Executor workers() {
            return Exchange.this::runOnWorker;
        }
    }

    /** What the handler writes. */
    private final class ResponseView implements Response {


        @Override
        public Response status(int status) {
            if (status < 100 || status > 999) {
                throw new IllegalArgumentException("status must be a three-digit code, was " + status);
            }
            if (!responseBody.isCommitted()) {
                Exchange.this.status = status;
            }
            return response;
        }

        @Override
        public int status() {
            return status;
        }

        @Override
        public HttpHeaders headers() {
            return responseHeaders;
        }

        @Override
        public Response contentLength(long length) {
            responseBody.declareLength(length);
            if (!responseBody.isCommitted()) {
                responseHeaders.set("Content-Length", length < 0 ? null : Long.toString(length));
            }
            return response;
        }

        @Override
        public OutputStream body() {
            return responseBody;
        }

        @Override
        public boolean isCommitted() {
            return responseBody.isCommitted();
        }

        @Override
        public int bufferSize() {
            return responseBody.bufferSize();
        }

        @Override
        public void bufferSize(int size) {
            responseBody.bufferSize(size);
        }

        @Override
        public void resetBuffer() {
            responseBody.resetBuffer();
        }

        @Override
        public void reset() {
            Exchange.this.reset();
        }

        @Override
        public void trailers(Supplier<HttpHeaders> trailers) {
            responseBody.trailers(trailers);
        }

        @Override
        public void suspend() {
            suspended = true;
        }

        @Override
        public boolean isSuspended() {
            return suspended;
        }

        @Override
        public void complete() {
            Exchange.this.complete();
        }

        @Override
        public void abort() {
            Exchange.this.abort();
        }

        @Override
        public void upgrade(UpgradeHandler handler) {
            java.util.Objects.requireNonNull(handler, "handler");
            if (responseBody.isCommitted()) {
                throw new IllegalStateException("the response is already committed");
            }
            if (head.version() != HttpVersion.HTTP_1_1) {
                throw new IllegalStateException("only an HTTP/1.1 connection can switch protocols");
            }
            upgrade = handler;
            Exchange.this.status = 101;
        }

        @Override
        public void reportException(Throwable thrown) {
            server.counters.exception(Thread.currentThread().getName(), thrown);
        }

        @Override
        public boolean isReady() {
            // Once finished, the connection's output belongs to the next exchange: a leaked
            // response must not report on it.
            return !finished && carrier.isOutputReady();
        }

        @Override
        public void whenReady(Runnable callback) {
            if (finished) {
                // Registering now would replace the callback of the exchange that owns the
                // connection's output next, which would then never be told to go on writing.
                throw new IllegalStateException("the response is already complete");
            }
            // A writer driven by this callback checks isReady() before writing: its writes must
            // not block (isReady() promises that), even when one overshoots the high watermark.
            responseBody.nonBlocking();
            carrier.whenOutputReady(callback);
        }
    }

    // ---- for ResponseBody --------------------------------------------------------------------

    boolean isHead() {
        return head.isHead();
    }

    /** Whether the response may leave the connection open (the client, the limits and shutdown allow it). */
    boolean mayKeepAlive() {
        return head.keepAlive() && !lastOnConnection && !server.isDraining();
    }

    String serverHeader() {
        return server.options().serverHeader();
    }

    private void release() {
        if (requestBody != null) {
            requestBody.release();
        }
    }
}
