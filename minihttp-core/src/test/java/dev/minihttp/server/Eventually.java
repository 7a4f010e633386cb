package dev.minihttp.server;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for something the server does on its own threads (a counter moving, a connection closing)
 * with a bounded timeout. Tests wait for events this way instead of asserting on elapsed time.
 */
public final class Eventually {

    public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;

    private Eventually() {
    }

    public static void await(String what, BooleanSupplier condition) {
        await(what, condition, () -> "");
    }

    /** {@code state} describes what was seen last, for the failure message. */
    public static void await(String what, BooleanSupplier condition, Supplier<?> state) {
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT_MILLIS * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + DEFAULT_TIMEOUT_MILLIS + " ms waiting for " + what
                        + "; last seen: " + state.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }

    /** Waits for a condition on the server's stats, showing the last snapshot when it times out. */
    public static void awaitStats(RunningServer server, String what, java.util.function.Predicate<ServerStats> condition) {
        ServerStats[] last = new ServerStats[1];
        await(what, () -> condition.test(last[0] = server.stats()), () -> last[0]);
    }
}
