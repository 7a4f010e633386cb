package dev.minihttp.boot.websocket;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings sessions that have been quiet for the ping interval ({@code minihttp.websocket.ping-interval}),
 * from one scheduler thread for all of them: a ping is a two-byte frame handed to the session's
 * non-blocking frame writer, so no worker runs and no thread waits per session. The client's pong
 * is ordinary input (Tyrus answers nothing to it); both count as traffic for the idle timeout, so
 * a live client keeps its session, and one that went away without a word is found by the write.
 */
final class IdlePings {

    private static final Logger log = LoggerFactory.getLogger(IdlePings.class);

    private final long intervalNanos;
    private final Set<WebSocketUpgradeHandler> sessions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;

    /** @param interval how long a session may be quiet before it is pinged; positive */
    IdlePings(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "minihttp-websocket-ping");
            thread.setDaemon(true);
            return thread;
        });
        // A quarter of the interval: a quiet session hears its ping between 1 and 1.25 intervals.
        long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(50), intervalNanos / 4);
        scheduler.scheduleWithFixedDelay(this::pingQuiet, tick, tick, TimeUnit.NANOSECONDS);
    }

    void add(WebSocketUpgradeHandler session) {
        sessions.add(session);
    }

    void remove(WebSocketUpgradeHandler session) {
        sessions.remove(session);
    }

    private void pingQuiet() {
        long now = System.nanoTime();
        for (WebSocketUpgradeHandler session : sessions) {
            try {
                if (now - session.lastTrafficNanos() >= intervalNanos) {
                    session.ping(ByteBuffer.wrap(new byte[] {(byte) 0x89, 0}));
                }
            } catch (RuntimeException e) {
                // One session's trouble must not stop the pings of the others.
                log.debug("WebSocket ping failed: {}", e.toString());
            }
        }
    }

    void stop() {
        scheduler.shutdownNow();
        sessions.clear();
    }
}
