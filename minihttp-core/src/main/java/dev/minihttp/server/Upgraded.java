package dev.minihttp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's side of a connection after {@code 101 Switching Protocols}: the bounded input
 * buffer the I/O thread fills, and the callbacks of the {@link UpgradeHandler}, run on workers.
 *
 * <p>Reading: the I/O thread reads into a buffer of the connection's own, at most
 * {@code upgradeBufferSize} bytes (allocated when bytes arrive and sized to them, dropped when a
 * worker emptied it, so an idle connection holds none), and stops reading while it is full.
 * A worker reads it out in {@link UpgradeHandler#readable}, which runs only after
 * {@link #demand()}: the handler asks when it wants more, the way a Servlet {@code ReadListener}
 * hears {@code onDataAvailable} after {@code isReady()} returned false.
 *
 * <p>Callbacks run as {@link WorkerTask}s on the pool the upgrade request ran on (the reserved
 * lane for one of its paths), so they count in busy and queue like requests, in two lanes of one task at a time each: opened, readable and closed in order in one;
 * write-ready callbacks in the other. Write-ready must not wait behind a read callback: a protocol
 * that sends from inside its read callback and waits for the send to complete (Tyrus's blocking
 * {@code sendText}) would otherwise wait for itself. A task the pool refuses (queue full) loses
 * nothing: the work stays flagged here and the I/O thread's sweep submits it again.
 */
final class Upgraded implements UpgradedConnection, ConnectionProtocol {

    private static final Logger log = LoggerFactory.getLogger(Upgraded.class);
    /** Callbacks run by one task before it goes back to the end of the queue (fairness). */
    private static final int CALLBACKS_PER_TASK = 16;

    private final MiniHttpServer server;
    private final IoLoop loop;
    private final Connection connection;
    private final Transport transport;
    private final ConnectionOutput output;
    private final UpgradeHandler handler;
    private final String protocol;
    private final String path;
    private final int bufferSize;
    private final long idleTimeoutNanos;
    /** The pool of the request that upgraded: the reserved lane's for a probe path (a dashboard's socket). */
    private final WorkerPool pool;

    private final Object lock = new Object();
    // Guarded by lock. input is in read mode (position..limit are the buffered bytes), or null.
    private ByteBuffer input;
    private boolean endOfInput;
    private boolean readingPaused;
    private boolean started;
    private boolean demanded;
    private boolean openedDelivered;
    private boolean closing;
    private Throwable closeCause;
    private boolean closedDelivered;
    private boolean scheduled;
    private boolean writeScheduled;
    private boolean resubmit;
    private final ArrayDeque<Runnable> callbacks = new ArrayDeque<>();

    private volatile long lastActivityNanos = System.nanoTime();

    Upgraded(MiniHttpServer server, IoLoop loop, Connection connection, Transport transport, ConnectionOutput output,
             UpgradeHandler handler, String protocol, String path) {
        this.server = server;
        this.loop = loop;
        this.connection = connection;
        this.transport = transport;
        this.output = output;
        this.handler = handler;
        this.protocol = protocol;
        this.path = path;
        this.bufferSize = server.options().upgradeBufferSize();
        this.idleTimeoutNanos = server.options().upgradeIdleTimeout().toNanos();
        this.pool = server.poolFor(path);
    }

    // ---- I/O thread --------------------------------------------------------------------------

    /** Takes the bytes that came after the upgrade request, then has {@link UpgradeHandler#opened} run. */
    void start(ByteBuffer pipelined, boolean inputClosed) {
        synchronized (lock) {
            if (closing) {
                return;
            }
            started = true;
            server.counters.upgraded.incrementAndGet();
            if (pipelined != null && pipelined.hasRemaining()) {
                input = ByteBuffer.allocate(pipelined.remaining());
                input.put(pipelined).flip();
            }
            endOfInput = inputClosed;
        }
        wake();
    }

    /**
     * The socket is readable: reads what fits under the buffer bound into the loop's read buffer,
     * then keeps it in a buffer sized to what waits (grown as bytes pile up, dropped once read), and
     * stops reading while the bound is reached.
     */
    @Override
    public void onReadable(ByteBuffer scratch) {
        int free;
        synchronized (lock) {
            if (closing) {
                return;
            }
            free = bufferSize - (input == null ? 0 : input.remaining());
            if (free <= 0) {
                pauseReadingLocked();
                return;
            }
        }
        scratch.clear();
        scratch.limit(Math.min(scratch.capacity(), free));
        int read;
        try {
            read = transport.read(scratch);
        } catch (IOException e) {
            log.debug("Upgraded connection {}: {}", connection.id, e.toString());
            connection.close();
            return;
        }
        scratch.flip();
        synchronized (lock) {
            if (read > 0) {
                append(scratch);
            }
            if (read < 0) {
                endOfInput = true;
                pauseReadingLocked();
            } else if (input != null && input.remaining() >= bufferSize) {
                pauseReadingLocked();
            }
        }
        if (read > 0) {
            lastActivityNanos = System.nanoTime();
        }
        if (read != 0) {
            wake();
        }
    }

    /** Under the lock. Amortised growth: a partial frame arriving in small reads is not copied per read. */
    private void append(ByteBuffer bytes) {
        int waiting = input == null ? 0 : input.remaining();
        int needed = waiting + bytes.remaining();
        if (input == null || input.capacity() - input.limit() < bytes.remaining()) {
            ByteBuffer grown = ByteBuffer.allocate(Math.max(needed, Math.min(bufferSize, 2 * needed)));
            if (input != null) {
                grown.put(input);
            }
            grown.flip();
            input = grown;
        }
        int position = input.position();
        input.position(input.limit());
        input.limit(input.limit() + bytes.remaining());
        input.put(bytes);
        input.position(position);
    }

    private void pauseReadingLocked() {
        if (!readingPaused) {
            readingPaused = true;
            connection.readInterest(false);
        }
    }

    /** The sweep: submits refused work again, and closes a connection idle for longer than the upgrade idle timeout. */
    @Override
    public void checkTimeouts(long now, boolean draining) {
        checkTimeouts(now);
    }

    /** An upgraded connection never comes back between requests: a graceful shutdown ends it. */
    @Override
    public void shutdown() {
        connection.closeForShutdown();
    }

    @Override
    public void connectionClosed() {
        connectionClosed(null);
    }

    void checkTimeouts(long now) {
        boolean retry;
        synchronized (lock) {
            retry = resubmit;
        }
        if (retry) {
            wake();
        }
        if (idleTimeoutNanos > 0 && now - lastActivityNanos > idleTimeoutNanos && !output.hasPending()) {
            log.debug("Upgraded connection {}: idle for longer than the upgrade idle timeout", connection.id);
            synchronized (lock) {
                if (closeCause == null) {
                    closeCause = new java.util.concurrent.TimeoutException("no bytes in or out for longer than the upgrade idle timeout");
                }
            }
            connection.close();
        }
    }

    /** Called by the connection as it closes (any cause); {@link UpgradeHandler#closed} follows on a worker. */
    void connectionClosed(Throwable cause) {
        synchronized (lock) {
            if (closeCause == null) {
                closeCause = cause;
            }
            if (closing) {
                return;
            }
            closing = true;
            if (started) {
                server.counters.upgraded.decrementAndGet();
            } else {
                openedDelivered = true; // closed before the switch: the handler hears closed() only
            }
        }
        wake();
    }

    // ---- the callbacks, on workers -----------------------------------------------------------

    /** Submits the callback task unless one is queued or running, or there is nothing to do. */
    private void wake() {
        boolean read = false;
        boolean write = false;
        synchronized (lock) {
            if (!scheduled && hasWorkLocked()) {
                scheduled = true;
                read = true;
            }
            if (!writeScheduled && openedDelivered && !closedDelivered && !callbacks.isEmpty()) {
                writeScheduled = true;
                write = true;
            }
            if (read || write) {
                resubmit = false;
            }
        }
        if (read && !pool.submit(new Callbacks(false))) {
            refused(false);
        }
        if (write && !pool.submit(new Callbacks(true))) {
            refused(true);
        }
    }

    /** The pool refused the task: keep the work for the sweep, or, when the server stops taking work, end it here. */
    private void refused(boolean writeLane) {
        boolean deliverClosedHere;
        synchronized (lock) {
            if (writeLane) {
                writeScheduled = false;
            } else {
                scheduled = false;
            }
            deliverClosedHere = !writeLane && closing && server.isDraining();
            if (!deliverClosedHere) {
                resubmit = true;
            }
        }
        if (deliverClosedHere) {
            // The pool takes no more work (shutdown): the handler still hears that its connection is gone.
            deliverClosedInline();
        } else {
            log.debug("Upgraded connection {}: worker queue full, callback submitted again on the next sweep", connection.id);
        }
    }

    private boolean hasWorkLocked() {
        if (closedDelivered) {
            return false;
        }
        return !openedDelivered || closing || readableLocked();
    }

    /**
     * Bytes, or the client's end of input, wait for a demand. A connection the server closes (or
     * that broke) delivers what is buffered, then closed() rather than an end of input.
     */
    private boolean readableLocked() {
        return demanded && ((input != null && input.hasRemaining()) || endOfInput);
    }

    private enum Step { OPENED, READABLE, CLOSED, NONE }

    private void runCallbacks() throws Exception {
        for (int i = 0; i < CALLBACKS_PER_TASK; i++) {
            Step step;
            Throwable cause = null;
            synchronized (lock) {
                if (closedDelivered) {
                    step = Step.NONE;
                } else if (!openedDelivered) {
                    openedDelivered = true;
                    step = Step.OPENED;
                } else if (readableLocked()) {
                    // Before closed: the client's last bytes (a WebSocket close frame) come before the end.
                    demanded = false;
                    step = Step.READABLE;
                } else if (closing) {
                    closedDelivered = true;
                    callbacks.clear();
                    cause = closeCause;
                    step = Step.CLOSED;
                } else {
                    step = Step.NONE;
                }
                if (step == Step.NONE) {
                    scheduled = false;
                    return;
                }
            }
            try {
                switch (step) {
                    case OPENED -> handler.opened(this);
                    case READABLE -> handler.readable(this);
                    case CLOSED -> handler.closed(this, cause);
                    default -> throw new IllegalStateException(step.name());
                }
            } catch (Exception | Error thrown) {
                // Counted and logged by the pool; the connection cannot be trusted to go on.
                connectionClosedBy(thrown);
                synchronized (lock) {
                    scheduled = false;
                }
                wake();
                throw thrown;
            }
        }
        synchronized (lock) {
            scheduled = false;
        }
        wake();
    }

    private void runWriteCallbacks() {
        for (int i = 0; i < CALLBACKS_PER_TASK; i++) {
            Runnable callback;
            synchronized (lock) {
                callback = closedDelivered ? null : callbacks.pollFirst();
                if (callback == null) {
                    writeScheduled = false;
                    return;
                }
            }
            try {
                callback.run();
            } catch (RuntimeException | Error thrown) {
                connectionClosedBy(thrown);
                synchronized (lock) {
                    writeScheduled = false;
                }
                throw thrown;
            }
        }
        synchronized (lock) {
            writeScheduled = false;
        }
        wake();
    }

    private void connectionClosedBy(Throwable thrown) {
        synchronized (lock) {
            if (closeCause == null) {
                closeCause = thrown;
            }
        }
        connection.closeFromAnyThread();
    }

    private void deliverClosedInline() {
        Throwable cause;
        synchronized (lock) {
            if (closedDelivered) {
                return;
            }
            closedDelivered = true;
            callbacks.clear();
            cause = closeCause;
        }
        try {
            handler.closed(this, cause);
        } catch (RuntimeException | Error e) {
            server.counters.exception(Thread.currentThread().getName(), e);
            log.warn("Upgrade handler failed while its connection {} closed at shutdown", connection.id, e);
        }
    }

    /** Write-ready callbacks from {@link ConnectionOutput} come here: one at a time in the write lane, never dropped. */
    @Override
    public void runWriteReady(Runnable callback) {
        synchronized (lock) {
            if (closedDelivered) {
                return;
            }
            callbacks.addLast(callback);
        }
        wake();
    }

    /** One round of one lane of this connection's callbacks on a worker. */
    private final class Callbacks implements WorkerTask {
        private final boolean writeLane;

        Callbacks(boolean writeLane) {
            this.writeLane = writeLane;
        }

        @Override
        public void run() throws Exception {
            if (writeLane) {
                runWriteCallbacks();
            } else {
                runCallbacks();
            }
        }

        @Override
        public void reject(String reason) {
            // Refused after it queued (queue timeout, or the pool stopping): as refused by submit.
            refused(writeLane);
        }

        @Override
        public String method() {
            return "UPGRADED";
        }

        @Override
        public String path() {
            return path;
        }
    }

    // ---- UpgradedConnection ------------------------------------------------------------------

    @Override
    public int read(ByteBuffer target) {
        int moved;
        boolean resume = false;
        synchronized (lock) {
            if (input == null || !input.hasRemaining()) {
                input = null;
                return endOfInput ? -1 : 0;
            }
            moved = Math.min(target.remaining(), input.remaining());
            ByteBuffer slice = input.duplicate();
            slice.limit(slice.position() + moved);
            target.put(slice);
            input.position(input.position() + moved);
            if (!input.hasRemaining()) {
                input = null;
            }
            if (readingPaused && !endOfInput && !closing && (input == null || input.remaining() <= bufferSize / 2)) {
                readingPaused = false;
                resume = true;
            }
        }
        if (resume) {
            loop.execute(() -> {
                connection.readInterest(true);
                if (transport.hasBufferedInput()) {
                    // TLS plaintext the socket will not announce again (rare: a small scratch buffer of its own)
                    onReadable(ByteBuffer.allocate(bufferSize));
                }
            });
        }
        return moved;
    }

    @Override
    public int available() {
        synchronized (lock) {
            return input == null ? 0 : input.remaining();
        }
    }

    @Override
    public void demand() {
        synchronized (lock) {
            demanded = true;
        }
        wake();
    }

    @Override
    public void write(ByteBuffer data, boolean mayBlock) throws IOException {
        lastActivityNanos = System.nanoTime();
        output.write(data, mayBlock);
    }

    @Override
    public boolean isReady() {
        return output.isReady();
    }

    @Override
    public void whenReady(Runnable callback) {
        output.whenReady(callback);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closing) {
                return;
            }
        }
        connection.closeUpgradedFromAnyThread();
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return closing;
        }
    }

    @Override
    public String protocol() {
        return protocol;
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
    public long id() {
        return connection.id;
    }
}
