package dev.minihttp.server;

import dev.minihttp.http.ChunkedDecoder;
import dev.minihttp.http.RequestHeadParser;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One I/O thread: a selector over its connections, reading, parsing and buffering requests and
 * finishing the responses workers could not write at once. The first loop also accepts new
 * connections and deals them out round-robin. Other threads talk to a loop only through
 * {@link #execute(Runnable)}, so everything a loop owns is touched by its thread alone.
 *
 * <p>Timeouts are a sweep over the loop's connections a few times a second, not a timer per
 * connection: cheap, and precise enough for limits measured in seconds.
 */
final class IoLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(IoLoop.class);
    private static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int READ_BUFFER_SIZE = 64 * 1024;
    private static final int ACCEPTS_PER_WAKEUP = 64;
    private static final long TRIM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Spares kept per kind: enough for the requests in flight on a busy loop to reuse, not a burst's worth. */
    private static final int MAX_SPARES = 128;

    private final MiniHttpServer server;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Set<Connection> connections = new HashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    private final CountDownLatch finished = new CountDownLatch(1);
    final Thread thread;

    // What a connection holds only while a request passes through it (see LoopPool).
    final LoopPool<byte[]> responseBuffers;
    final LoopPool<RequestHeadParser> parsers;
    final LoopPool<ChunkedDecoder> chunkedDecoders;

    /** The listeners this loop accepts for (the first loop only), by their selection keys. */
    private final List<SelectionKey> acceptKeys = new ArrayList<>();
    private IoLoop[] loops;
    private int nextLoop;
    private volatile boolean stopping;
    private long nextSweep;
    private long nextTrim;

    IoLoop(MiniHttpServer server, String name) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.thread = new Thread(this, name);
        int responseBufferSize = server.options().responseBufferSize();
        this.responseBuffers = new LoopPool<>(() -> new byte[responseBufferSize], MAX_SPARES);
        this.parsers = new LoopPool<>(() -> new RequestHeadParser(server.parserLimits()), MAX_SPARES);
        this.chunkedDecoders = new LoopPool<>(() -> new ChunkedDecoder(server.parserLimits()), MAX_SPARES);
    }

    /** Makes this loop the acceptor for {@code listener}, dealing connections out over {@code loops}. */
    void accept(Listener listener, IoLoop[] loops) throws IOException {
        this.loops = loops;
        ServerSocketChannel channel = listener.channel();
        channel.configureBlocking(false);
        acceptKeys.add(channel.register(selector, SelectionKey.OP_ACCEPT, listener));
    }

    void start() {
        thread.start();
    }

    /** Runs {@code task} on this loop's thread. */
    /** The loop's read buffer, for a connection reading outside {@code handleSelected} (on this thread only). */
    ByteBuffer readBuffer() {
        return readBuffer;
    }

    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            selector.wakeup();
        }
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void run() {
        nextSweep = System.nanoTime() + SWEEP_INTERVAL_NANOS;
        nextTrim = nextSweep + TRIM_INTERVAL_NANOS;
        try {
            while (!stopping) {
                long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextSweep - System.nanoTime()));
                if (tasks.isEmpty()) {
                    selector.select(timeoutMillis);
                } else {
                    selector.selectNow();
                }
                handleSelected();
                runTasks();
                long now = System.nanoTime();
                if (now - nextSweep >= 0) {
                    sweep(now);
                    nextSweep = now + SWEEP_INTERVAL_NANOS;
                }
            }
        } catch (ClosedSelectorException | IOException e) {
            if (!stopping) {
                log.error("I/O loop {} failed; its connections are closed", thread.getName(), e);
            }
        } catch (RuntimeException | Error e) {
            log.error("I/O loop {} failed; its connections are closed", thread.getName(), e);
        } finally {
            closeAll();
            finished.countDown();
        }
    }

    private void handleSelected() {
        Set<SelectionKey> selected = selector.selectedKeys();
        if (selected.isEmpty()) {
            return;
        }
        Iterator<SelectionKey> keys = selected.iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid()) {
                continue;
            }
            if (key.attachment() instanceof Listener listener) {
                acceptConnections(listener);
                continue;
            }
            Connection connection = (Connection) key.attachment();
            try {
                int ready = key.readyOps();
                if ((ready & SelectionKey.OP_WRITE) != 0) {
                    connection.onWritable();
                }
                if (((ready & SelectionKey.OP_READ) != 0 || connection.hasBufferedInput()) && key.isValid()) {
                    connection.onReadable(readBuffer);
                }
            } catch (IOException | RuntimeException e) {
                log.debug("Closing connection {} after {}", connection.id, e.toString());
                connection.close();
            }
        }
    }

    private void runTasks() {
        // Bounded: tasks added while running wait for the next round, so selection is never starved.
        for (int i = tasks.size(); i > 0; i--) {
            Runnable task = tasks.poll();
            if (task == null) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("I/O task failed on {}", thread.getName(), e);
            }
        }
    }

    private void acceptConnections(Listener listener) {
        for (int i = 0; i < ACCEPTS_PER_WAKEUP; i++) {
            if (server.counters.connections.get() >= server.options().maxConnections()) {
                pauseAccepting();
                return;
            }
            SocketChannel channel;
            try {
                channel = listener.channel().accept();
            } catch (IOException e) {
                log.warn("accept failed: {}", e.toString());
                return;
            }
            if (channel == null) {
                return;
            }
            server.counters.connections.incrementAndGet();
            IoLoop target = loops[nextLoop];
            nextLoop = (nextLoop + 1) % loops.length;
            if (target == this) {
                register(channel, listener);
            } else {
                target.execute(() -> target.register(channel, listener));
            }
        }
    }

    /** max-connections counts every listener's connections: reaching it pauses them all. */
    private void pauseAccepting() {
        boolean paused = false;
        for (SelectionKey acceptKey : acceptKeys) {
            if (acceptKey.isValid() && acceptKey.interestOps() != 0) {
                acceptKey.interestOps(0);
                paused = true;
            }
        }
        if (paused) {
            log.debug("max-connections reached: not accepting until a connection closes");
        }
    }

    /** Called on any loop when a connection closed: the acceptor may take new ones again. */
    void resumeAccepting() {
        if (server.counters.connections.get() >= server.options().maxConnections()) {
            return;
        }
        for (SelectionKey acceptKey : acceptKeys) {
            if (acceptKey.isValid() && acceptKey.interestOps() == 0) {
                acceptKey.interestOps(SelectionKey.OP_ACCEPT);
            }
        }
    }

    private void register(SocketChannel channel, Listener listener) {
        if (stopping || server.isDraining()) {
            closeQuietly(channel);
            server.counters.connections.decrementAndGet();
            return;
        }
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            Connection connection = new Connection(server, this, channel, key, listener);
            key.attach(connection);
            connections.add(connection);
        } catch (IOException e) {
            closeQuietly(channel);
            server.counters.connections.decrementAndGet();
        }
    }

    /** Called by a connection, on this thread, once its socket is closed. */
    void removed(Connection connection) {
        if (connections.remove(connection)) {
            server.counters.connections.decrementAndGet();
            IoLoop acceptor = server.acceptor();
            if (acceptor == this) {
                resumeAccepting();
            } else if (acceptor != null) {
                acceptor.execute(acceptor::resumeAccepting);
            }
        }
    }

    private void sweep(long now) {
        if (now - nextTrim >= 0) {
            responseBuffers.trim();
            parsers.trim();
            chunkedDecoders.trim();
            nextTrim = now + TRIM_INTERVAL_NANOS;
        }
        if (connections.isEmpty()) {
            return;
        }
        boolean draining = server.isDraining();
        for (Connection connection : new ArrayList<>(connections)) {
            connection.checkTimeouts(now, draining);
        }
    }

    /** Closes the listening sockets (graceful shutdown: stop accepting). */
    void stopAccepting() {
        for (SelectionKey acceptKey : acceptKeys) {
            acceptKey.cancel();
            closeQuietly(acceptKey.channel());
        }
        acceptKeys.clear();
    }

    /** Closes the connections that sit idle between requests (graceful shutdown). */
    void closeIdle() {
        for (Connection connection : new ArrayList<>(connections)) {
            connection.closeIfIdle();
        }
    }

    int connectionCount() {
        return connections.size();
    }

    /** This loop's connections; on this loop's thread only (tests get there through {@link #execute}). */
    List<Connection> connections() {
        return new ArrayList<>(connections);
    }

    void stop() {
        stopping = true;
        selector.wakeup();
    }

    boolean awaitStopped(long timeout, TimeUnit unit) throws InterruptedException {
        return finished.await(timeout, unit);
    }

    private void closeAll() {
        stopAccepting();
        List<Connection> all = new ArrayList<>(connections);
        for (Connection connection : all) {
            connection.close();
        }
        connections.clear();
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed or reset by the peer
        }
    }
}
