package dev.minihttp.boot.metrics;

import dev.minihttp.server.ServerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * HTTP/2's meters, bound when {@code server.http2.enabled} is on. A stream is a request, so it
 * counts in {@code minihttp.threads.busy}, {@code minihttp.queue.*} and
 * {@code minihttp.requests.rejected} like one; these are what only HTTP/2 has:
 * <ul>
 *   <li>{@code minihttp.http2.connections}: connections speaking HTTP/2 now (part of {@code minihttp.connections.current});</li>
 *   <li>{@code minihttp.http2.streams.active}: streams open now;</li>
 *   <li>{@code minihttp.http2.streams.refused}: streams refused over SETTINGS_MAX_CONCURRENT_STREAMS;</li>
 *   <li>{@code minihttp.http2.resets} tagged {@code cause}: {@code client} when the client reset a stream,
 *       else the error code the server reset it with;</li>
 *   <li>{@code minihttp.http2.goaways} tagged {@code cause}: {@code shutdown}, {@code idle}, {@code timeout},
 *       an error code, or the flood that ran out of budget ({@code rapid_reset}, {@code ping_flood}...).</li>
 * </ul>
 * Causes the engine names up front are registered at bind time (a dashboard sees zeros); others
 * when a scrape reads any of these counters.
 */
public class Http2Metrics implements MeterBinder {

    private static final List<String> KNOWN_RESETS = List.of("client", "refused_stream", "protocol_error", "internal_error");
    private static final List<String> KNOWN_GOAWAYS = List.of("shutdown", "idle", "rapid_reset", "reset_flood",
            "ping_flood", "settings_flood", "empty_frames_flood", "priority_flood", "unknown_frames_flood",
            "enhance_your_calm", "protocol_error");

    private final Supplier<ServerStats> stats;
    private final Iterable<Tag> tags;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    public Http2Metrics(Supplier<ServerStats> stats, Iterable<Tag> tags) {
        this.stats = stats;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("minihttp.http2.connections", this, m -> m.http2().connections())
                .description("Connections speaking HTTP/2 now").baseUnit("connections").tags(tags).register(registry);
        Gauge.builder("minihttp.http2.streams.active", this, m -> m.http2().activeStreams())
                .description("HTTP/2 streams open now").baseUnit("streams").tags(tags).register(registry);
        FunctionCounter.builder("minihttp.http2.streams.refused", this, m -> m.http2().streamsRefused())
                .description("HTTP/2 streams refused over SETTINGS_MAX_CONCURRENT_STREAMS").baseUnit("streams")
                .tags(tags).register(registry);
        KNOWN_RESETS.forEach(cause -> register("minihttp.http2.resets", cause));
        KNOWN_GOAWAYS.forEach(cause -> register("minihttp.http2.goaways", cause));
        refresh();
    }

    /** Registers a counter for every cause the engine has counted that has none yet. */
    public void refresh() {
        ServerStats.Http2Stats current = http2();
        current.resets().keySet().forEach(cause -> register("minihttp.http2.resets", cause));
        current.goAways().keySet().forEach(cause -> register("minihttp.http2.goaways", cause));
    }

    private void register(String name, String cause) {
        if (registry == null || !registered.add(name + ":" + cause)) {
            return;
        }
        Function<ServerStats.Http2Stats, Map<String, Long>> counts =
                name.endsWith("resets") ? ServerStats.Http2Stats::resets : ServerStats.Http2Stats::goAways;
        FunctionCounter.builder(name, this, m -> {
                    ServerStats.Http2Stats current = m.http2();
                    m.refresh(); // a new cause shows up at the next scrape
                    return counts.apply(current).getOrDefault(cause, 0L);
                })
                .description(name.endsWith("resets") ? "HTTP/2 streams reset, by cause" : "HTTP/2 GOAWAY frames sent, by cause")
                .baseUnit(name.endsWith("resets") ? "streams" : "frames")
                .tags(Tags.of(tags).and("cause", cause))
                .register(registry);
    }

    private ServerStats.Http2Stats http2() {
        return stats.get().http2();
    }
}
