package dev.minihttp.server;

import java.util.List;

/**
 * Keeps health probes answering when the pool and its queue are full: requests on the
 * {@link ReservedPaths} run on a small {@link WorkerPool} of their own, which no other request can
 * take. A busy but healthy server then still answers its orchestrator's liveness and readiness
 * probes, instead of a 503 that gets it restarted.
 *
 * <p>The lane is a bound like the pool: a probe that finds its workers busy and its queue full
 * gets 503 too. It is off when it has no threads or no paths; every request then goes to the pool.
 * Its idle workers retire like the pool's, down to the same minimum (capped at the lane's size, so
 * with the defaults a lane worker, once started, stays).
 */
final class ReservedLane {

    private final List<String> patterns;
    private final ReservedPaths paths;
    private final WorkerPool pool; // null when the lane is off

    ReservedLane(ServerOptions options, boolean virtual, ServerCounters counters) {
        this.patterns = options.reservedPaths();
        this.paths = new ReservedPaths(patterns);
        this.pool = options.reservedThreads() == 0 || paths.isEmpty() ? null
                : new WorkerPool("minihttp-lane-", options.reservedThreads(), options.minWorkerThreads(),
                        options.workerIdleTimeout().toNanos(), options.reservedQueueCapacity(),
                        options.queueTimeout().toNanos(), virtual, counters, counters.lane);
    }

    boolean enabled() {
        return pool != null;
    }

    /** Whether a request on this raw path runs on the lane. */
    boolean takes(String rawPath) {
        return pool != null && paths.matches(rawPath);
    }

    /** The lane's workers; only when {@link #enabled()}. */
    WorkerPool pool() {
        return pool;
    }

    List<String> patterns() {
        return patterns;
    }

    boolean drain(long deadlineNanos) throws InterruptedException {
        return pool == null || pool.drain(deadlineNanos);
    }

    void stop() {
        if (pool != null) {
            pool.stop();
        }
    }
}
