package dev.minihttp.servlet;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory sessions of a context, with a background sweep (on the container timer) that
 * destroys those idle longer than their max inactive interval. Ids are 128 random bits.
 */
final class SessionStore {

    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

    private final MiniServletContext context;
    private final Map<String, MiniSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile long sweepIntervalMillis = 30_000;

    SessionStore(MiniServletContext context) {
        this.context = context;
    }

    void sweepInterval(long millis) {
        this.sweepIntervalMillis = millis;
    }

    void startExpiry(ContainerTimer timer) {
        timer.every(this::expireIdle, sweepIntervalMillis);
    }

    // Runs on the timer as a periodic task, which is never run again once it throws: nothing may
    // escape, or one failing listener would leave every idle session alive for good.

    /** An existing, unexpired session, or null. */
    MiniSession find(String id) {
        if (id == null) {
            return null;
        }
        MiniSession session = sessions.get(id);
        if (session != null && session.isExpired(System.currentTimeMillis())) {
            destroy(session);
            return null;
        }
        return session;
    }

    MiniSession create() {
        return create(newId());
    }

    /** A session with an id chosen elsewhere (the TLS session's, under SSL tracking). */
    MiniSession create(String id) {
        MiniSession session = new MiniSession(this, context, id, context.getSessionTimeout() * 60);
        sessions.put(id, session);
        for (HttpSessionListener listener : context.listeners(HttpSessionListener.class)) {
            listener.sessionCreated(new HttpSessionEvent(session));
        }
        return session;
    }

    String changeId(MiniSession session) {
        String oldId = session.getId();
        String newId = newId();
        synchronized (session) {
            sessions.remove(oldId);
            session.id(newId);
            sessions.put(newId, session);
        }
        for (HttpSessionIdListener listener : context.listeners(HttpSessionIdListener.class)) {
            listener.sessionIdChanged(new HttpSessionEvent(session), oldId);
        }
        return newId;
    }

    void destroy(MiniSession session) {
        if (sessions.remove(session.getId(), session)) {
            try {
                List<HttpSessionListener> listeners = context.listeners(HttpSessionListener.class);
                for (int i = listeners.size() - 1; i >= 0; i--) {
                    try {
                        listeners.get(i).sessionDestroyed(new HttpSessionEvent(session));
                    } catch (RuntimeException e) {
                        log.warn("Session listener failed on destroy", e);
                    }
                }
            } finally {
                session.expireNow();
            }
        }
    }

    void expireIdle() {
        long now = System.currentTimeMillis();
        for (MiniSession session : new ArrayList<>(sessions.values())) {
            if (session.isExpired(now)) {
                try {
                    destroy(session);
                } catch (Throwable t) {
                    log.error("Expiring session failed", t);
                }
            }
        }
    }

    void invalidateAll() {
        new ArrayList<>(sessions.values()).forEach(this::destroy);
    }

    private String newId() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }
}
