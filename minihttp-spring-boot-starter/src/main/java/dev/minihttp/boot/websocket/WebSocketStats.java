package dev.minihttp.boot.websocket;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * WebSocket counts of one server, read by the meters and the actuator endpoint: open sessions,
 * messages in and out, and ended sessions by close status code (the code of the close frame the
 * server sent, its own or the echo of the client's; 1006 when it sent none). Lock-free. Free of
 * Tyrus types, so the starter's metrics code loads without Tyrus.
 */
public final class WebSocketStats {

    private final AtomicInteger sessions = new AtomicInteger();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();

    void opened() {
        sessions.incrementAndGet();
    }

    void ended() {
        sessions.decrementAndGet();
    }

    void messageIn() {
        messagesIn.increment();
    }

    void messageOut() {
        messagesOut.increment();
    }

    void closed(int code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    public int sessions() {
        return Math.max(0, sessions.get());
    }

    public long messagesIn() {
        return messagesIn.sum();
    }

    public long messagesOut() {
        return messagesOut.sum();
    }

    /** Ended sessions by close status code, in code order. */
    public Map<Integer, Long> closes() {
        Map<Integer, Long> copy = new TreeMap<>();
        closes.forEach((code, count) -> copy.put(code, count.sum()));
        return copy;
    }
}
