package dev.minihttp.tls;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run TLS handshakes' delegated tasks (key exchange, signatures, certificate
 * checks), so that the I/O threads go on serving every other connection meanwhile. Threads start
 * on demand and end after a short idle time: a server that sees few new connections keeps none.
 *
 * <p>The queue has no capacity limit of its own because it needs none: a connection hands out at
 * most one batch of tasks at a time and waits for it, so the queue never holds more entries than
 * there are handshaking connections, which the server's connection limit bounds.
 */
public final class HandshakeTaskPool implements Executor, AutoCloseable {

    private static final long IDLE_SECONDS = 30;

    private final ThreadPoolExecutor executor;

    public HandshakeTaskPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        AtomicInteger ids = new AtomicInteger();
        executor = new ThreadPoolExecutor(threads, threads, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "minihttp-tls-" + ids.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** @throws java.util.concurrent.RejectedExecutionException once closed (the channel then runs the tasks itself) */
    @Override
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Threads alive now, for the server's stats. */
    public int threads() {
        return executor.getPoolSize();
    }

    /**
     * Stops taking tasks and waits briefly for those already handed out (a few milliseconds of CPU
     * each), so that no thread of the server outlives its stop.
     */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
