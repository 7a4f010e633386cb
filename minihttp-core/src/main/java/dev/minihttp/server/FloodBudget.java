package dev.minihttp.server;

/**
 * How many events of one kind a peer may cause per second (a token bucket: bursts up to twice the
 * rate, refilled at the rate). A flood is a rate, not a size: a PING or an RST_STREAM is harmless
 * once and an attack a hundred thousand times a second. One connection's, on its I/O thread only.
 */
final class FloodBudget {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final String name;
    private final int perSecond;
    private final double capacity;
    private double tokens;
    private long lastRefillNanos;

    FloodBudget(String name, int perSecond, long nowNanos) {
        this.name = name;
        this.perSecond = perSecond;
        this.capacity = 2.0 * perSecond;
        this.tokens = capacity;
        this.lastRefillNanos = nowNanos;
    }

    /** Spends one event's token; false when the budget is exhausted (the peer floods). */
    boolean spend(long nowNanos) {
        long elapsed = nowNanos - lastRefillNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + (double) elapsed * perSecond / NANOS_PER_SECOND);
            lastRefillNanos = nowNanos;
        }
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** The kind, as the GOAWAY cause is tagged (e.g. {@code ping_flood}). */
    String name() {
        return name;
    }
}
