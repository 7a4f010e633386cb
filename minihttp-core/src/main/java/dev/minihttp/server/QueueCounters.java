package dev.minihttp.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one queue refused and how long its requests waited, written without locks. The pool and
 * the reserved lane each have their own, so probes never show up in the pool's saturation meters.
 */
final class QueueCounters {

    /** Work handed to this queue: accepted or refused. */
    final LongAdder submitted = new LongAdder();
    private final Map<String, LongAdder> rejected = new ConcurrentHashMap<>();
    private final LongAdder waitCount = new LongAdder();
    private final LongAdder waitTotal = new LongAdder();
    private final AtomicLong waitMax = new AtomicLong();

    void rejected(String reason) {
        rejected.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    void queueWait(long nanos) {
        waitCount.increment();
        waitTotal.add(nanos);
        waitMax.accumulateAndGet(nanos, Math::max);
    }

    Map<String, Long> rejectedSnapshot() {
        Map<String, Long> copy = new TreeMap<>();
        rejected.forEach((reason, count) -> copy.put(reason, count.sum()));
        return copy;
    }

    long waitCount() {
        return waitCount.sum();
    }

    long waitTotalNanos() {
        return waitTotal.sum();
    }

    long waitMaxNanos() {
        return waitMax.get();
    }
}
