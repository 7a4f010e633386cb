package dev.minihttp.server;

import java.util.List;
import java.util.Map;

/**
 * A point-in-time view of the server, cheap to take (reads counters, takes no lock), for metrics,
 * health and the actuator endpoint.
 *
 * @param running            accepting and serving
 * @param maxThreads         the worker limit
 * @param currentThreads     workers alive now: they start on demand, up to the limit, and retire after the
 *                           worker idle timeout, down to the minimum
 * @param busyThreads        requests running now
 * @param queueSize          complete requests waiting for a worker
 * @param queueCapacity      the queue's bound
 * @param connections        open connections
 * @param maxConnections     the connection bound
 * @param requests           requests handed to the pool or the reserved lane since start (run, waiting or rejected)
 * @param rejected           requests answered 503 by the pool, by reason ({@code queue_full}, {@code queue_timeout},
 *                           {@code shutdown}: completed while a graceful shutdown was under way)
 * @param queueWaitCount     requests that left the queue for a worker
 * @param queueWaitTotalNanos their summed time in the queue
 * @param queueWaitMaxNanos  the longest such wait since start
 * @param exceptions         what workers' tasks threw, counted per thread name and exception class
 * @param errors             how many of those were {@link Error}s (OutOfMemoryError, StackOverflowError...)
 * @param lastError          "thread: class: message" of the latest Error, or null
 * @param workers            every started worker and what it is doing now
 * @param lane               the reserved lane for health probes, counted apart from all of the above
 * @param upgradedConnections open connections that switched protocols (HTTP Upgrade: WebSocket...), part of
 *                           {@code connections}; they hold no worker while idle
 * @param http2               HTTP/2's connections, streams, refusals, resets and GOAWAYs
 */
public record ServerStats(
        boolean running,
        int maxThreads,
        int currentThreads,
        int busyThreads,
        int queueSize,
        int queueCapacity,
        int connections,
        int maxConnections,
        long requests,
        Map<String, Long> rejected,
        long queueWaitCount,
        long queueWaitTotalNanos,
        long queueWaitMaxNanos,
        List<ExceptionCount> exceptions,
        long errors,
        String lastError,
        List<WorkerActivity> workers,
        LaneStats lane,
        int upgradedConnections,
        Http2Stats http2) {

    /**
     * HTTP/2: a stream is a request, so it counts in the pool's numbers like one; these are what
     * only HTTP/2 has.
     *
     * @param connections     connections speaking HTTP/2 now (part of {@link #connections()})
     * @param activeStreams   streams open now, on every connection (received, queued, running or sending)
     * @param streamsRefused  streams refused because their connection had SETTINGS_MAX_CONCURRENT_STREAMS open
     * @param resets          streams reset, by cause: {@code client} when the client reset it, otherwise
     *                        the error code the server sent ({@code protocol_error}, {@code no_error} after an
     *                        early answer, {@code internal_error} for a response cut short...)
     * @param goAways         GOAWAY frames sent, by cause: {@code shutdown}, {@code idle}, {@code timeout}, an
     *                        error code, or the flood budget that ran out ({@code rapid_reset},
     *                        {@code ping_flood}, {@code settings_flood}...)
     */
    public record Http2Stats(int connections, int activeStreams, long streamsRefused, Map<String, Long> resets,
            Map<String, Long> goAways) {

        public static final Http2Stats NONE = new Http2Stats(0, 0, 0, Map.of(), Map.of());
    }

    /** Exceptions of one class thrown on one worker thread. */
    public record ExceptionCount(String thread, String exception, long count) {
    }

    /**
     * One worker: its thread name and, while it runs a request, the method and path (never the
     * query string, which may hold secrets) and how long it has been at it. An idle worker has a
     * null method and path and an elapsed time of 0.
     */
    public record WorkerActivity(String thread, String method, String path, long elapsedNanos) {

        public boolean busy() {
            return method != null;
        }
    }

    /**
     * The reserved lane: the small pool that only requests on its paths use, so that health probes
     * answer while the pool and queue are full. Its numbers are not part of the pool's.
     *
     * @param enabled        whether the lane exists (it has threads and paths)
     * @param paths          the path patterns whose requests use it
     * @param maxThreads     its worker limit
     * @param currentThreads its workers alive now (on demand and retiring, like the pool's)
     * @param busyThreads    lane requests running now
     * @param queueSize      lane requests waiting for a lane worker
     * @param queueCapacity  the lane queue's bound
     * @param requests       requests handed to the lane since start
     * @param rejected       lane requests answered 503, by reason (as for the pool)
     * @param queueWaitCount lane requests that left the lane's queue for a lane worker
     * @param queueWaitTotalNanos their summed time in that queue
     * @param queueWaitMaxNanos the longest such wait
     * @param workers        every started lane worker and what it is doing now
     */
    public record LaneStats(
            boolean enabled,
            List<String> paths,
            int maxThreads,
            int currentThreads,
            int busyThreads,
            int queueSize,
            int queueCapacity,
            long requests,
            Map<String, Long> rejected,
            long queueWaitCount,
            long queueWaitTotalNanos,
            long queueWaitMaxNanos,
            List<WorkerActivity> workers) {

        /** A lane that is off (or a server not started yet), with these paths configured. */
        public static LaneStats off(List<String> paths, int maxThreads, int queueCapacity) {
            return new LaneStats(false, paths, maxThreads, 0, 0, 0, queueCapacity, 0, Map.of(), 0, 0, 0, List.of());
        }
    }
}
