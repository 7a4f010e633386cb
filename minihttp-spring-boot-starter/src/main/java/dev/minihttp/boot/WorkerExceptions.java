package dev.minihttp.boot;

import dev.minihttp.server.ServerStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exceptions that escaped the application's filter chain on a worker, counted per thread and
 * exception class. The servlet container turns such an exception into an error page and does not
 * rethrow it to the engine, so the engine's own counters never see it; this fills that gap and
 * is merged into the engine's {@link ServerStats} by {@link MiniHttpWebServer#stats()}.
 */
final class WorkerExceptions {

    private record ThreadAndType(String thread, String exception) {
    }

    private final Map<ThreadAndType, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();
    private volatile String lastError;
    private volatile Runnable newExceptionListener = () -> { };

    void onNewException(Runnable listener) {
        this.newExceptionListener = listener;
    }

    void record(String thread, Throwable thrown) {
        boolean[] added = {false};
        counts.computeIfAbsent(new ThreadAndType(thread, thrown.getClass().getName()), k -> {
            added[0] = true;
            return new LongAdder();
        }).increment();
        if (thrown instanceof Error) {
            errors.increment();
            lastError = thread + ": " + thrown.getClass().getName() + ": " + thrown.getMessage();
        }
        if (added[0]) {
            newExceptionListener.run();
        }
    }

    /** The engine's snapshot with these counts added. */
    ServerStats mergeInto(ServerStats stats) {
        if (counts.isEmpty()) {
            return stats;
        }
        Map<ThreadAndType, Long> merged = new java.util.HashMap<>();
        for (ServerStats.ExceptionCount c : stats.exceptions()) {
            merged.merge(new ThreadAndType(c.thread(), c.exception()), c.count(), Long::sum);
        }
        counts.forEach((key, count) -> merged.merge(key, count.sum(), Long::sum));
        List<ServerStats.ExceptionCount> exceptions = new ArrayList<>();
        merged.forEach((key, count) -> exceptions.add(new ServerStats.ExceptionCount(key.thread(), key.exception(), count)));
        exceptions.sort(Comparator.comparing(ServerStats.ExceptionCount::thread)
                .thenComparing(ServerStats.ExceptionCount::exception));
        String last = lastError != null ? lastError : stats.lastError();
        return new ServerStats(stats.running(), stats.maxThreads(), stats.currentThreads(), stats.busyThreads(),
                stats.queueSize(), stats.queueCapacity(), stats.connections(), stats.maxConnections(),
                stats.requests(), stats.rejected(), stats.queueWaitCount(), stats.queueWaitTotalNanos(),
                stats.queueWaitMaxNanos(), List.copyOf(exceptions), stats.errors() + errors.sum(), last,
                stats.workers());
    }
}
