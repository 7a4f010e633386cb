package dev.minihttp.server;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Spare objects that a connection needs only while a request passes through it (the response
 * buffer, the request head parser, the chunked decoder), kept by one {@link IoLoop} for its
 * connections in turn. A connection waiting for its next request then holds none of them: an idle
 * keep-alive connection costs its socket and its state, not 8 KiB of buffers.
 *
 * <p>Only the loop's thread takes and gives, so there is no lock. At most {@code maxSpares} are
 * kept, and {@link #trim()} (every few seconds) drops the spares nobody needed since the previous
 * trim, so the objects of a burst go once it is over: the low-water mark of the spares in between
 * is how many were never taken.
 */
final class LoopPool<T> {

    private final Supplier<T> factory;
    private final int maxSpares;
    private final ArrayDeque<T> spares = new ArrayDeque<>();
    /** The fewest spares there were since the last trim. */
    private int lowWater;
    private long created;

    LoopPool(Supplier<T> factory, int maxSpares) {
        this.factory = factory;
        this.maxSpares = maxSpares;
    }

    /** A spare (the most recently given, its memory most likely still in cache) or a new one. */
    T take() {
        T spare = spares.pollLast();
        if (spares.size() < lowWater) {
            lowWater = spares.size();
        }
        if (spare != null) {
            return spare;
        }
        created++;
        return factory.get();
    }

    /** Back for another connection: the caller must no longer use it, nor anyone it handed it to. */
    void give(T object) {
        if (spares.size() < maxSpares) {
            spares.addLast(object);
        }
    }

    /** Drops the spares that were not needed since the last trim (the oldest ones). */
    void trim() {
        for (int i = lowWater; i > 0; i--) {
            spares.pollFirst();
        }
        lowWater = spares.size();
    }

    int spares() {
        return spares.size();
    }

    /** How many {@link #take()} had to make: stays low when the objects are reused. */
    long created() {
        return created;
    }
}
