package dev.minihttp.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** Open connections that switched protocols (they are part of {@link #connections}). */
    final AtomicInteger upgraded = new AtomicInteger();
    /** HTTP/2 connections, streams, refusals, resets and GOAWAYs. */
    final Http2Counters http2 = new Http2Counters();
    /** Every request handed to the pool or the reserved lane. */
    final LongAdder requests = new LongAdder();
    /** The worker pool's refusals and waits; {@link #rejected} and {@link #queueWait} are its. */
    final QueueCounters pool = new QueueCounters();
    /** The reserved lane's, kept apart so that probes never count as the application's saturation. */
    final QueueCounters lane = new QueueCounters();
    private final Map<ThreadAndType, LongAdder> exceptions = new ConcurrentHashMap<>();
    private final AtomicLong errors = new AtomicLong();
    private volatile String lastError;

    void rejected(String reason) {
        pool.rejected(reason);
    }

    void queueWait(long nanos) {
        pool.queueWait(nanos);
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
        return pool.rejectedSnapshot();
    }

    List<ServerStats.ExceptionCount> exceptionSnapshot() {
        List<ServerStats.ExceptionCount> copy = new ArrayList<>();
        exceptions.forEach((key, count) -> copy.add(new ServerStats.ExceptionCount(key.thread(), key.exception(), count.sum())));
        copy.sort((a, b) -> a.thread().equals(b.thread())
                ? a.exception().compareTo(b.exception()) : a.thread().compareTo(b.thread()));
        return copy;
    }

    long queueWaitCount() {
        return pool.waitCount();
    }

    long queueWaitTotalNanos() {
        return pool.waitTotalNanos();
    }

    long queueWaitMaxNanos() {
        return pool.waitMaxNanos();
    }

    long errors() {
        return errors.get();
    }

    String lastError() {
        return lastError;
    }
}
