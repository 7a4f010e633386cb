package dev.minihttp.boot.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code minihttp.tls.handshakes}: TLS handshakes by {@code outcome} ({@code success} or
 * {@code failure}) and {@code reason} ({@code none} for a success, else the engine's reason:
 * protocol, cipher, client_certificate, cleartext_http, alert_...). One reason growing is a bad
 * client rollout or an expired chain.
 *
 * <p>The reasons the engine names up front are registered at bind time, so a dashboard sees zeros
 * before the first failure; one that appears later (an alert) is registered when any of these
 * counters is read (each scrape) or {@link #refresh()} is called. The counts are the engine's.
 */
public class TlsHandshakeMetrics implements MeterBinder {

    static final String NAME = "minihttp.tls.handshakes";
    private static final String SUCCESS = "success";
    private static final List<String> KNOWN_FAILURES = List.of("protocol", "cipher", "client_certificate",
            "cleartext_http", "not_tls", "timeout", "closed", "renegotiation", "other");

    private final Supplier<Map<String, Long>> handshakes;
    private final Iterable<Tag> tags;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    /** @param handshakes the engine's counts by outcome key ({@code success} or a failure reason) */
    public TlsHandshakeMetrics(Supplier<Map<String, Long>> handshakes, Iterable<Tag> tags) {
        this.handshakes = handshakes;
        this.tags = tags;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        register(SUCCESS);
        KNOWN_FAILURES.forEach(this::register);
        refresh();
    }

    /** Registers a counter for every outcome the engine has counted and that has none yet. */
    public void refresh() {
        handshakes.get().keySet().forEach(this::register);
    }

    private void register(String key) {
        if (registry == null || !registered.add(key)) {
            return;
        }
        boolean success = SUCCESS.equals(key);
        FunctionCounter.builder(NAME, this, m -> m.count(key))
                .description("TLS handshakes on the TLS listeners, by outcome and failure reason")
                .baseUnit("handshakes")
                .tags(Tags.of(tags).and("outcome", success ? "success" : "failure", "reason", success ? "none" : key))
                .register(registry);
    }

    private double count(String key) {
        Map<String, Long> current = handshakes.get();
        // New reasons show up at the next scrape: registering here is what the scrape triggers.
        current.keySet().forEach(this::register);
        return current.getOrDefault(key, 0L);
    }
}
