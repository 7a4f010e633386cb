package dev.minihttp.boot.metrics;

import dev.minihttp.boot.websocket.WebSocketStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code minihttp.websocket.sessions} (open sessions; each is also one of
 * {@code minihttp.connections.current}), {@code minihttp.websocket.messages} tagged
 * {@code direction} in/out, and {@code minihttp.websocket.closes} tagged {@code code}: ended
 * sessions by the close status the server sent (1006 when it sent none). The usual codes are
 * registered at bind time so dashboards see zeros; another is registered once seen (at a scrape).
 */
public class WebSocketMetrics implements MeterBinder {

    private static final List<Integer> KNOWN_CODES = List.of(1000, 1001, 1002, 1003, 1006, 1007, 1008, 1009, 1011);

    private final WebSocketStats stats;
    private final Iterable<Tag> tags;
    private final Set<Integer> registered = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    public WebSocketMetrics(WebSocketStats stats, Iterable<Tag> tags) {
        this.stats = stats;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("minihttp.websocket.sessions", this, m -> m.stats.sessions())
                .description("Open WebSocket sessions (each is also an open connection)")
                .baseUnit("sessions").tags(tags).register(registry);
        FunctionCounter.builder("minihttp.websocket.messages", this, m -> m.stats.messagesIn())
                .description("WebSocket messages received or sent").baseUnit("messages")
                .tags(Tags.of(tags).and("direction", "in")).register(registry);
        FunctionCounter.builder("minihttp.websocket.messages", this, m -> m.stats.messagesOut())
                .description("WebSocket messages received or sent").baseUnit("messages")
                .tags(Tags.of(tags).and("direction", "out")).register(registry);
        KNOWN_CODES.forEach(this::register);
        refresh();
    }

    /** Registers a counter for every close code seen that has none yet. */
    public void refresh() {
        stats.closes().keySet().forEach(this::register);
    }

    private void register(int code) {
        if (registry == null || !registered.add(code)) {
            return;
        }
        FunctionCounter.builder("minihttp.websocket.closes", this, m -> m.count(code))
                .description("Ended WebSocket sessions by close status code")
                .baseUnit("sessions").tags(Tags.of(tags).and("code", Integer.toString(code))).register(registry);
    }

    private double count(int code) {
        refresh();
        return stats.closes().getOrDefault(code, 0L);
    }
}
