package dev.minihttp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's live counters. Written from the I/O and worker threads without locks; read by
 * {@link MiniHttpServer#stats()}.
 */
final class ServerCounters {

    private record ThreadAndType(String thread, String exception) {
    }

    final AtomicInteger connections = new AtomicInteger();
    final LongAdder requests = new LongAdder();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final LongAdder queueWaitCount = new LongAdder();
    private final LongAdder queueWaitTotal = new LongAdder();
    private final AtomicLong queueWaitMax = new AtomicLong();
    private final Map<ThreadAndType, LongAdder> exceptions = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private volatile String lastError;

    void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void queueWait(long nanos) {
        queueWaitCount.increment();
        queueWaitTotal.add(nanos);
        queueWaitMax.accumulateAndGet(nanos, Math::max);
    }

    void exception(String thread, Throwable thrown) {
        exceptions.computeIfAbsent(new ThreadAndType(thread, thrown.getClass().getName()), k -> new LongAdder())
                .increment();
        if (thrown instanceof Error) {
            // lastError first: a reader that sees errors > 0 then also sees what the error was.
            lastError = thread + ": " + thrown.getClass().getName() + ": " + thrown.getMessage();
            errors.incrementAndGet();
        }
    }

    Map<String, Long> rejectedSnapshot() {
        Map<String, Long> copy = new TreeMap<>();
        rejected.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    List<ServerStats.ExceptionCount> exceptionSnapshot() {
        List<ServerStats.ExceptionCount> copy = new ArrayList<>();
        exceptions.forEach((key, count) -> copy.add(new ServerStats.ExceptionCount(key.thread(), key.exception(), count.sum())));
        copy.sort((a, b) -> a.thread().equals(b.thread())
                ? a.exception().compareTo(b.exception()) : a.thread().compareTo(b.thread()));
        return copy;
    }

    long queueWaitCount() {
        return queueWaitCount.sum();
    }

    long queueWaitTotalNanos() {
        return queueWaitTotal.sum();
    }

    long queueWaitMaxNanos() {
        return queueWaitMax.get();
    }

    long errors() {
        return errors.get();
    }

    String lastError() {
        return lastError;
    }
}
