package dev.minihttp.boot.metrics;

import dev.minihttp.server.ServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The minihttp meters (names in docs/DESIGN.md), read from the engine's lock-free
 * {@link ServerStats} snapshot. They mean the same with virtual threads: busy = requests running,
 * max = the concurrency limit.
 *
 * <p>{@code minihttp.worker.exceptions} gets one counter per (thread, exception) pair, so new
 * pairs are registered as they appear: whenever the stats are read for another meter, and when
 * {@link #refresh()} is called (the web server does that each time the servlet container reports
 * an exception to the engine). The counts are the engine's own; nothing is counted here.
 */
public class MiniHttpMetrics implements MeterBinder {

    /** Reasons the engine rejects with; registered up front so the meters exist before the first 503. */
    private static final List<String> KNOWN_REJECT_REASONS = List.of("queue_full", "queue_timeout", "shutdown");

    private final Supplier<ServerStats> stats;
    private final Iterable<Tag> tags;
    private final Set<String> registeredExceptions = ConcurrentHashMap.newKeySet();
    private final Set<String> registeredReasons = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    public MiniHttpMetrics(Supplier<ServerStats> stats, Iterable<Tag> tags) {
        this.stats = stats;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        gauge(registry, "minihttp.threads.config.max", "threads", "The most requests that run at once",
                ServerStats::maxThreads);
        gauge(registry, "minihttp.threads.busy", "threads", "Requests running now", ServerStats::busyThreads);
        gauge(registry, "minihttp.threads.current", "threads",
                "Worker threads alive now: started on demand, retired after the thread idle timeout", ServerStats::currentThreads);
        gauge(registry, "minihttp.queue.size", "requests", "Complete requests waiting for a worker",
                ServerStats::queueSize);
        gauge(registry, "minihttp.queue.capacity", "requests", "Requests that may wait before the server answers 503",
                ServerStats::queueCapacity);
        gauge(registry, "minihttp.connections.current", "connections", "Open connections", ServerStats::connections);
        gauge(registry, "minihttp.connections.config.max", "connections", "The connection limit",
                ServerStats::maxConnections);
        FunctionTimer.builder("minihttp.queue.wait", this, m -> m.snapshot().queueWaitCount(),
                        m -> m.snapshot().queueWaitTotalNanos(), TimeUnit.NANOSECONDS)
                .description("Time from a request being complete to a worker picking it up")
                .tags(tags)
                .register(registry);
        KNOWN_REJECT_REASONS.forEach(this::registerRejected);
        bindReservedLane(registry);
        refresh();
    }

    /**
     * The reserved lane's own meters, apart from the pool's: a probe answered by the lane is not
     * the application's load, and a lane that rejects is a finding of its own (probes pile up).
     */
    private void bindReservedLane(MeterRegistry registry) {
        laneGauge(registry, "minihttp.lane.threads.config.max", "threads",
                "The most probe requests that run at once on the reserved lane", ServerStats.LaneStats::maxThreads);
        laneGauge(registry, "minihttp.lane.threads.busy", "threads", "Requests running on the reserved lane now",
                ServerStats.LaneStats::busyThreads);
        laneGauge(registry, "minihttp.lane.threads.current", "threads", "Reserved lane threads alive now",
                ServerStats.LaneStats::currentThreads);
        laneGauge(registry, "minihttp.lane.queue.size", "requests", "Requests waiting for a reserved lane thread",
                ServerStats.LaneStats::queueSize);
        laneGauge(registry, "minihttp.lane.queue.capacity", "requests",
                "Requests that may wait for the reserved lane before it answers 503", ServerStats.LaneStats::queueCapacity);
        FunctionTimer.builder("minihttp.lane.queue.wait", this, m -> m.stats.get().lane().queueWaitCount(),
                        m -> m.stats.get().lane().queueWaitTotalNanos(), TimeUnit.NANOSECONDS)
                .description("Time from a reserved-lane request being complete to a lane thread picking it up")
                .tags(tags)
                .register(registry);
        for (String reason : KNOWN_REJECT_REASONS) {
            FunctionCounter.builder("minihttp.lane.requests.rejected", this,
                            m -> m.stats.get().lane().rejected().getOrDefault(reason, 0L))
                    .description("Requests on the reserved lane's paths answered 503: the lane's threads and queue were full, "
                            + "a queue timeout, or shutdown")
                    .baseUnit("requests")
                    .tags(Tags.of(tags).and("reason", reason))
                    .register(registry);
        }
    }

    private void laneGauge(MeterRegistry registry, String name, String unit, String description,
                           ToDoubleFunction<ServerStats.LaneStats> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.stats.get().lane()))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** Registers counters for rejection reasons and (thread, exception) pairs seen since the last call. */
    public void refresh() {
        ServerStats current = stats.get();
        registerNew(current);
    }

    private ServerStats snapshot() {
        ServerStats current = stats.get();
        registerNew(current);
        return current;
    }

    private void registerNew(ServerStats current) {
        if (registry == null) {
            return;
        }
        for (String reason : current.rejected().keySet()) {
            registerRejected(reason);
        }
        for (ServerStats.ExceptionCount count : current.exceptions()) {
            String key = count.thread() + '\u0000' + count.exception();
            if (registeredExceptions.add(key)) {
                String thread = count.thread();
                String exception = count.exception();
                FunctionCounter.builder("minihttp.worker.exceptions", this,
                                m -> m.exceptionCount(thread, exception))
                        .description("Exceptions that escaped the application on a worker thread and were "
                                + "answered by the server (error page or 500), counted once, by root cause. Exceptions "
                                + "the application handles itself (e.g. a Spring @ExceptionHandler) are not counted, "
                                + "as with Tomcat")
                        .tags(Tags.of(tags).and("thread", thread, "exception", exception))
                        .register(registry);
            }
        }
    }

    private void registerRejected(String reason) {
        if (registeredReasons.add(reason)) {
            FunctionCounter.builder("minihttp.requests.rejected", this,
                            m -> m.stats.get().rejected().getOrDefault(reason, 0L))
                    .description("Requests answered 503 by the pool: queue full, queue timeout, or arriving during shutdown")
                    .baseUnit("requests")
                    .tags(Tags.of(tags).and("reason", reason))
                    .register(registry);
        }
    }

    private double exceptionCount(String thread, String exception) {
        for (ServerStats.ExceptionCount count : stats.get().exceptions()) {
            if (count.thread().equals(thread) && count.exception().equals(exception)) {
                return count.count();
            }
        }
        return 0;
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<ServerStats> value) {
        Gauge.builder(name, this, m -> value.applyAsDouble(m.snapshot()))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

}
