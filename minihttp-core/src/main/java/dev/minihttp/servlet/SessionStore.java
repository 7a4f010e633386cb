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
 *
 * <p>With a {@link SessionFile} the sessions outlive a stop: written out when the context stops
 * and read back when it starts, as Tomcat's StandardManager does. Neither counts as the end or the
 * start of a session: listeners hear nothing of it, except the attributes that are
 * {@code HttpSessionActivationListener}s.
 */
final class SessionStore {

    private static final Logger log = LoggerFactory.getLogger(SessionStore.class);

    private final MiniServletContext context;
    private final Map<String, MiniSession> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private volatile long sweepIntervalMillis = 30_000;
    private volatile SessionFile persistence;

    SessionStore(MiniServletContext context) {
        this.context = context;
    }

    void sweepInterval(long millis) {
        this.sweepIntervalMillis = millis;
    }

    void persistTo(SessionFile file) {
        this.persistence = file;
    }

    /**
     * Reads back the sessions a previous stop wrote, leaving out those that expired meanwhile,
     * then deletes the file (it describes no live state any more). A file that cannot be read
     * fails the start: carrying on would silently log every user out.
     */
    void restore() throws java.io.IOException {
        SessionFile file = persistence;
        if (file == null) {
            return;
        }
        long now = System.currentTimeMillis();
        int restored = 0;
        int expired = 0;
        for (PersistedSession saved : file.read(context.getClassLoader())) {
            if (saved.expiredAt(now)) {
                expired++;
                continue;
            }
            MiniSession session = MiniSession.restored(this, context, saved);
            sessions.put(session.getId(), session);
            session.activate();
            restored++;
        }
        java.nio.file.Files.deleteIfExists(file.path());
        if (restored + expired > 0) {
            log.info("Restored {} sessions from {} ({} had expired)", restored, file.path(), expired);
        }
    }

    /**
     * On stop: writes the live sessions out when persistent, else destroys them all. A write that
     * fails is logged and the sessions are destroyed, so listeners still see their end.
     */
    void stop() {
        SessionFile file = persistence;
        if (file == null) {
            invalidateAll();
            return;
        }
        expireIdle();
        List<MiniSession> live = new ArrayList<>(sessions.values());
        List<PersistedSession> saved = new ArrayList<>(live.size());
        for (MiniSession session : live) {
            session.passivate();
            saved.add(session.toPersisted());
        }
        try {
            file.write(saved);
        } catch (java.io.IOException | RuntimeException e) {
            log.error("Persisting {} sessions to {} failed: they are lost", saved.size(), file.path(), e);
            invalidateAll();
            return;
        }
        for (MiniSession session : live) {
            sessions.remove(session.getId(), session);
            session.dropPersisted();
        }
        log.info("Persisted {} sessions to {}", saved.size(), file.path());
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
