package dev.minihttp.servlet;

import java.util.Map;

/** One session as a persisted store writes and reads it. */
record PersistedSession(String id, long creationTime, long lastAccessedTime, long thisAccessTime,
                        int maxInactiveInterval, boolean isNew, Map<String, Object> attributes) {

    /** Idle longer than its max inactive interval at {@code now} (the same rule as a live session's). */
    boolean expiredAt(long now) {
        return maxInactiveInterval > 0 && now - thisAccessTime > maxInactiveInterval * 1000L;
    }
}
