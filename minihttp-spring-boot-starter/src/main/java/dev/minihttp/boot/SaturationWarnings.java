package dev.minihttp.boot;

import dev.minihttp.server.Handler;
import dev.minihttp.server.Request;
import dev.minihttp.server.Response;
import dev.minihttp.server.ServerStats;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one WARN line, at most once a minute, when the queue is more than half full or requests
 * were rejected since the last check, saying what to tune. A per-request warning (Waitress' "Task
 * queue depth") floods the log exactly when it is least readable; this one is a summary.
 *
 * <p>Looks at the stats at most once a second, from whichever request passes by, so it needs no
 * thread of its own and costs a clock read per request otherwise.
 */
final class SaturationWarnings implements Handler {

    private static final Logger log = LoggerFactory.getLogger(SaturationWarnings.class);
    private static final long CHECK_INTERVAL = TimeUnit.SECONDS.toNanos(1);
    private static final long WARN_INTERVAL = TimeUnit.MINUTES.toNanos(1);

    private final Handler delegate;
    private final Supplier<ServerStats> stats;
    private final LongSupplier clock;
    private final AtomicLong nextCheck;
    private volatile long nextWarning;
    private volatile long rejectedAtLastCheck;

    SaturationWarnings(Handler delegate, Supplier<ServerStats> stats) {
        this(delegate, stats, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime()} (tests pass their own) */
    SaturationWarnings(Handler delegate, Supplier<ServerStats> stats, LongSupplier clock) {
        this.delegate = delegate;
        this.stats = stats;
        this.clock = clock;
        long now = clock.getAsLong();
        this.nextCheck = new AtomicLong(now);
        this.nextWarning = now;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        long now = clock.getAsLong();
        long due = nextCheck.get();
        if (now - due >= 0 && nextCheck.compareAndSet(due, now + CHECK_INTERVAL)) {
            check(now);
        }
        delegate.handle(request, response);
    }

    private void check(long now) {
        ServerStats current = stats.get();
        long rejected = current.rejected().values().stream().mapToLong(Long::longValue).sum();
        long newlyRejected = rejected - rejectedAtLastCheck;
        rejectedAtLastCheck = rejected;
        boolean queueHalfFull = current.queueCapacity() > 0 && current.queueSize() * 2 > current.queueCapacity();
        if ((queueHalfFull || newlyRejected > 0) && now - nextWarning >= 0) {
            nextWarning = now + WARN_INTERVAL;
            log.warn("minihttp is saturated: {}/{} workers busy, {}/{} requests queued, {} rejected with 503 since the "
                            + "last check ({} since start). If the workers mostly wait (database, remote calls), raise "
                            + "minihttp.threads; to absorb short bursts raise minihttp.queue-capacity; if they are busy "
                            + "computing, add instances. /actuator/minihttp shows what each worker is doing. "
                            + "(This warning repeats at most once a minute.)",
                    current.busyThreads(), current.maxThreads(), current.queueSize(), current.queueCapacity(),
                    newlyRejected, rejected);
        }
    }
}
