package dev.minihttp.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** HTTP/2's live counters, part of {@link ServerCounters}; written by I/O threads and workers without locks. */
final class Http2Counters {

    /** Connections speaking HTTP/2 now (part of the server's connections). */
    final AtomicInteger connections = new AtomicInteger();
    /** Streams open now, on every connection. */
    final AtomicInteger streams = new AtomicInteger();
    /** Streams refused with REFUSED_STREAM: over SETTINGS_MAX_CONCURRENT_STREAMS. */
    final LongAdder refused = new LongAdder();
    private final Map<String, LongAdder> resets = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> goAways = new ConcurrentHashMap<>();

    /** A stream reset: {@code client} when the client reset it, else the error code the server sent. */
    void reset(String cause) {
        resets.computeIfAbsent(cause, k -> new LongAdder()).increment();
    }

    /** A GOAWAY the server sent, by cause: {@code shutdown}, {@code idle}, an error code, or a flood's budget. */
    void goAway(String cause) {
        goAways.computeIfAbsent(cause, k -> new LongAdder()).increment();
    }

    ServerStats.Http2Stats snapshot() {
        return new ServerStats.Http2Stats(connections.get(), streams.get(), refused.sum(), sums(resets), sums(goAways));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((cause, count) -> copy.put(cause, count.sum()));
        return copy;
    }
}
