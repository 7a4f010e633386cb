package dev.minihttp.server;

import dev.minihttp.http.ParserLimits;
import dev.minihttp.tls.HandshakeTaskPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server: I/O threads that receive whole requests, a bounded queue, and a pool of at
 * most {@code workerThreads} workers (started on demand) that run the {@link Handler}.
 *
 * <pre>{@code
 * MiniHttpServer server = new MiniHttpServer(
 *         ServerOptions.builder().port(8080).workerThreads(50).build(),
 *         (request, response) -> response.body().write("hello".getBytes()));
 * server.start();
 * }</pre>
 *
 * See {@code docs/architecture.md} for the threads, the connection state machine and the limits.
 */
public final class MiniHttpServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MiniHttpServer.class);

    private enum Lifecycle { NEW, RUNNING, DRAINING, STOPPED }

    private final ServerOptions options;
    private final Handler handler;
    private final ParserLimits parserLimits;
    final ServerCounters counters = new ServerCounters();
    private final TlsHandshakeCounter tlsHandshakes = new TlsHandshakeCounter();
    private final Set<Path> tempFiles = RequestBody.newTempFileRegistry();
    private final AtomicLong connectionIds = new AtomicLong();
    private final AtomicLong requestIds = new AtomicLong();
    private final Object lifecycleLock = new Object();

    private volatile Lifecycle lifecycle = Lifecycle.NEW;
    /** Set by a {@link #stop()} that cut off running, queued or unsent work; a graceful shutdown then reports false. */
    private volatile boolean workCutOff;
    private volatile int port = -1;
    private volatile List<Listener> listeners = List.of();
    private IoLoop[] loops;
    /** Runs TLS handshakes' delegated tasks; null without TLS listeners or when they run on the I/O threads. */
    private HandshakeTaskPool handshakeTasks;
    private WorkerPool pool;
    private ReservedLane lane;
    private boolean virtualThreads;

    public MiniHttpServer(ServerOptions options, Handler handler) {
        this.options = Objects.requireNonNull(options, "options");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.parserLimits = new ParserLimits(options.maxRequestHeadSize(), options.maxHeaderCount(),
                options.maxRequestBodySize());
    }

    /** Binds the port and starts the I/O and worker threads. @throws java.net.BindException when the port is taken */
    public void start() throws IOException {
        synchronized (lifecycleLock) {
            if (lifecycle != Lifecycle.NEW) {
                throw new IllegalStateException("a server starts once; it is " + lifecycle);
            }
            Files.createDirectories(options.tempDirectory());
            virtualThreads = options.virtualThreads() && VirtualThreads.isSupported();
            if (options.virtualThreads() && !virtualThreads) {
                log.warn("Virtual threads were asked for but need JDK 21+ (this is {}); using platform threads",
                        Runtime.version());
            }
            boolean anyTls = options.listeners().stream().anyMatch(ListenerOptions::isSecure);
            handshakeTasks = anyTls && options.tlsHandshakeThreads() > 0
                    ? new HandshakeTaskPool(options.tlsHandshakeThreads()) : null;
            List<Listener> bound = new ArrayList<>();
            try {
                for (ListenerOptions listenerOptions : options.listeners()) {
                    bound.add(Listener.bind(listenerOptions, options.acceptBacklog(), tlsHandshakes, handshakeTasks,
                            options.http2().enabled()));
                }
            } catch (IOException | RuntimeException e) {
                bound.forEach(MiniHttpServer::closeQuietly);
                closeHandshakeTasks();
                throw e;
            }
            listeners = List.copyOf(bound);
            port = bound.get(0).port();
            pool = new WorkerPool(options.workerThreads(), options.minWorkerThreads(),
                    options.workerIdleTimeout().toNanos(), options.queueCapacity(), options.queueTimeout().toNanos(),
                    virtualThreads, counters);
            lane = new ReservedLane(options, virtualThreads, counters);
            loops = new IoLoop[options.ioThreads()];
            try {
                for (int i = 0; i < loops.length; i++) {
                    loops[i] = new IoLoop(this, "minihttp-io-" + (i + 1));
                }
                for (Listener listener : listeners) {
                    loops[0].accept(listener, loops);
                }
            } catch (IOException e) {
                listeners.forEach(MiniHttpServer::closeQuietly);
                throw e;
            }
            pool.start();
            for (IoLoop loop : loops) {
                loop.start();
            }
            lifecycle = Lifecycle.RUNNING;
            log.debug("minihttp listening on {} with {} {} workers, queue capacity {}", boundListeners(),
                    options.workerThreads(), virtualThreads ? "virtual" : "platform", options.queueCapacity());
            if (lane.enabled()) {
                log.debug("minihttp reserved lane: {} workers, queue capacity {}, for {}", options.reservedThreads(),
                        options.reservedQueueCapacity(), options.reservedPaths());
            }
        }
    }

    /** The main listener's bound port (the real one when the options said 0); -1 before start. */
    public int port() {
        return port;
    }

    /** Every listener with the port it bound (main first); empty before start. */
    public List<ListenerOptions> boundListeners() {
        List<ListenerOptions> all = new ArrayList<>();
        for (Listener listener : listeners) {
            all.add(listener.bound());
        }
        return all;
    }

    /**
     * Replaces a TLS listener's key material or parameters (certificate reload): connections
     * accepted from now on use the new options; open ones keep theirs and are never cut.
     *
     * @throws IllegalArgumentException when no listener has that name or it does not speak TLS
     */
    public void updateTls(String listenerName, dev.minihttp.tls.TlsOptions tls) {
        for (Listener listener : listeners) {
            if (listener.name().equals(listenerName)) {
                listener.updateTls(tls);
                return;
            }
        }
        for (ListenerOptions configured : options.listeners()) {
            if (configured.name().equals(listenerName) && configured.isSecure()) {
                throw new IllegalStateException("the server is not started: listener '" + listenerName + "' has no socket yet");
            }
        }
        throw new IllegalArgumentException("no TLS listener named '" + listenerName + "'");
    }

    /**
     * TLS handshakes over every TLS listener since start, by outcome: {@code success} or the
     * failure's reason ({@code protocol}, {@code cipher}, {@code client_certificate},
     * {@code alert_<alert>}, {@code timeout}, {@code closed}, {@code cleartext_http}, {@code not_tls},
     * {@code renegotiation}, {@code other}).
     */
    public Map<String, Long> tlsHandshakes() {
        return tlsHandshakes.snapshot();
    }

    public ServerOptions options() {
        return options;
    }

    public boolean isRunning() {
        return lifecycle == Lifecycle.RUNNING;
    }

    /** Whether requests run on virtual threads (asked for, and the JDK has them). */
    public boolean usesVirtualThreads() {
        return virtualThreads;
    }

    /**
     * Stops at once: closes every connection, interrupts workers, deletes temp files. Idempotent.
     * A graceful shutdown in progress (or asked for after this) then reports false if work was cut off.
     */
    public void stop() {
        synchronized (lifecycleLock) {
            if (lifecycle == Lifecycle.STOPPED) {
                return;
            }
            if (lifecycle == Lifecycle.NEW) {
                lifecycle = Lifecycle.STOPPED;
                return;
            }
            // Read before anything is cut: once the workers are interrupted the pool goes quiet
            // quickly, and a drain would take that for finished work. Idle keep-alive connections
            // count only while running; a drain has closed them already.
            boolean working = pool.busy() > 0 || pool.queueSize() > 0;
            if (working || (lifecycle == Lifecycle.DRAINING && counters.connections.get() > 0)) {
                workCutOff = true;
            }
            lifecycle = Lifecycle.STOPPED;
        }
        for (IoLoop loop : loops) {
            loop.stop();
        }
        try {
            for (IoLoop loop : loops) {
                if (!loop.awaitStopped(5, TimeUnit.SECONDS)) {
                    log.warn("I/O thread {} did not stop within 5 seconds", loop.thread.getName());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeListener();
        closeHandshakeTasks();
        pool.stop();
        lane.stop();
        for (Path file : List.copyOf(tempFiles)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Could not delete temp file {}: {}", file, e.toString());
            }
            tempFiles.remove(file);
        }
    }

    /**
     * Stops accepting, closes idle keep-alive connections, lets running and queued requests finish
     * (their responses say {@code Connection: close}), then stops. Returns true when everything
     * finished within {@code timeout}, false when work was cut short; the server is stopped either way.
     */
    public boolean shutdownGracefully(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lifecycleLock) {
            if (lifecycle != Lifecycle.RUNNING) {
                stopOutsideLock();
                return lifecycle == Lifecycle.STOPPED && !workCutOff;
            }
            lifecycle = Lifecycle.DRAINING;
        }
        boolean idle = false;
        boolean stoppedDuringDrain;
        try {
            onEveryLoop(IoLoop::stopAccepting);
            closeListener();
            onEveryLoop(IoLoop::closeIdle);
            // The lane first: it stops taking probes together with the pool, rather than after the pool's drain.
            idle = lane.drain(deadline) && pool.drain(deadline) && awaitConnectionsClosed(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // A stop() from elsewhere up to here cut the drain short, whatever the drain saw after it.
            stoppedDuringDrain = workCutOff;
            stop();
        }
        if (stoppedDuringDrain) {
            log.warn("Server stopped during graceful shutdown; remaining requests were cut off");
            return false;
        }
        if (!idle) {
            log.warn("Graceful shutdown timed out after {}; remaining requests were cut off", timeout);
        }
        return idle;
    }

    /** The graceful shutdown on a thread of its own, for containers whose callback must not block. */
    public CompletableFuture<Boolean> shutdownGracefullyAsync(Duration timeout) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> result.complete(shutdownGracefully(timeout)), "minihttp-shutdown");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private void stopOutsideLock() {
        if (lifecycle == Lifecycle.NEW) {
            stop();
        }
    }

    private boolean awaitConnectionsClosed(long deadline) throws InterruptedException {
        while (counters.connections.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            onEveryLoop(IoLoop::closeIdle);
            Thread.sleep(20);
        }
        return true;
    }

    /** Runs the action on each loop's thread and waits for all of them. */
    private void onEveryLoop(java.util.function.Consumer<IoLoop> action) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(loops.length);
        for (IoLoop loop : loops) {
            loop.execute(() -> {
                try {
                    action.accept(loop);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await(5, TimeUnit.SECONDS);
    }

    private void closeHandshakeTasks() {
        if (handshakeTasks != null) {
            handshakeTasks.close();
        }
    }

    private void closeListener() {
        listeners.forEach(MiniHttpServer::closeQuietly);
    }

    private static void closeQuietly(Listener listener) {
        try {
            listener.channel().close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** A lock-free view of the pool, the queue and the connections. */
    public ServerStats stats() {
        WorkerPool p = pool;
        ReservedLane l = lane;
        if (p == null || l == null) {
            return new ServerStats(false, options.workerThreads(), 0, 0, 0, options.queueCapacity(), 0,
                    options.maxConnections(), 0, java.util.Map.of(), 0, 0, 0, List.of(), 0, null, List.of(),
                    ServerStats.LaneStats.off(options.reservedPaths(), options.reservedThreads(),
                            options.reservedQueueCapacity()), 0, ServerStats.Http2Stats.NONE);
        }
        return new ServerStats(
                isRunning(),
                p.size(),
                p.liveThreads(),
                p.busy(),
                p.queueSize(),
                p.capacity(),
                counters.connections.get(),
                options.maxConnections(),
                counters.requests.sum(),
                counters.rejectedSnapshot(),
                counters.queueWaitCount(),
                counters.queueWaitTotalNanos(),
                counters.queueWaitMaxNanos(),
                counters.exceptionSnapshot(),
                counters.errors(),
                counters.lastError(),
                p.activity(),
                laneStats(l),
                counters.upgraded.get(),
                counters.http2.snapshot());
    }

    private ServerStats.LaneStats laneStats(ReservedLane l) {
        if (!l.enabled()) {
            return ServerStats.LaneStats.off(l.patterns(), options.reservedThreads(), options.reservedQueueCapacity());
        }
        WorkerPool p = l.pool();
        QueueCounters c = p.counters();
        return new ServerStats.LaneStats(true, l.patterns(), p.size(), p.liveThreads(), p.busy(), p.queueSize(),
                p.capacity(), c.submitted.sum(), c.rejectedSnapshot(), c.waitCount(), c.waitTotalNanos(),
                c.waitMaxNanos(), p.activity());
    }

    // ---- for the engine's own classes --------------------------------------------------------

    Handler handler() {
        return handler;
    }

    ParserLimits parserLimits() {
        return parserLimits;
    }

    WorkerPool pool() {
        return pool;
    }

    /** The reserved lane's workers for a request on a probe path, else the pool. */
    WorkerPool poolFor(String rawPath) {
        ReservedLane l = lane;
        return l.takes(rawPath) ? l.pool() : pool;
    }

    /**
     * A complete request, from either protocol, to its pool (the reserved lane for a probe path):
     * counted, and answered 503 by its exchange when the pool refuses it. I/O thread.
     */
    void dispatch(Exchange exchange, String rawPath) {
        counters.requests.increment();
        WorkerPool target = poolFor(rawPath);
        if (!target.submit(exchange)) {
            String reason = refusalReason();
            target.counters().rejected(reason);
            exchange.reject(reason);
        }
    }

    /**
     * A request refused before its body came (an {@code Expect: 100-continue} that would not
     * run): counted like one the pool refused, since rejected is part of requests.
     */
    void refusedBeforeBody() {
        counters.requests.increment();
        counters.rejected(refusalReason());
    }

    /**
     * Why the pool refused work: full, or no longer taking any because the server is shutting
     * down. A deploy must not show up as saturation in the rejection metric.
     */
    String refusalReason() {
        return isDraining() ? "shutdown" : "queue_full";
    }

    Set<Path> tempFiles() {
        return tempFiles;
    }

    boolean isDraining() {
        return lifecycle != Lifecycle.RUNNING;
    }

    IoLoop acceptor() {
        IoLoop[] all = loops;
        return all == null ? null : all[0];
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    long nextRequestId() {
        return requestIds.incrementAndGet();
    }

    /** Runs callbacks (write-ready notifications) on the worker pool. */
    Executor workers() {
        return task -> {
            if (!pool.submit(WorkerTask.continuation(task, "CALLBACK", "-"))) {
                throw new RejectedExecutionException("worker queue is full");
            }
        };
    }
}
