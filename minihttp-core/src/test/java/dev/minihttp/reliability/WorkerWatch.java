package dev.minihttp.reliability;

import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerStats;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Watches a server's workers while a crowd test runs: the peak of open connections, and the
 * first worker seen running a request whose path is not an allowed one (a worker that waits for
 * a hostile client breaks invariant 1).
 */
final class WorkerWatch implements AutoCloseable {

    private final AtomicReference<String> misuse = new AtomicReference<>();
    private final AtomicInteger peakConnections = new AtomicInteger();
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final Thread thread;

    WorkerWatch(RunningServer server, Predicate<String> allowedPath) {
        thread = new Thread(() -> {
            while (watching.get()) {
                ServerStats stats = server.stats();
                peakConnections.accumulateAndGet(stats.connections(), Math::max);
                for (ServerStats.WorkerActivity worker : stats.workers()) {
                    String path = worker.path();
                    if (path != null && !allowedPath.test(path)) {
                        misuse.set(worker.thread() + " ran " + path);
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-worker-watch");
        thread.start();
    }

    /** "worker ran /path" for the last worker seen on a path not allowed, or null. */
    String misuse() {
        return misuse.get();
    }

    int peakConnections() {
        return peakConnections.get();
    }

    @Override
    public void close() throws InterruptedException {
        watching.set(false);
        thread.join(5000);
    }
}
