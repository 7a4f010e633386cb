package dev.minihttp.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An in-memory session. Its id can change ({@code changeSessionId}); the store re-keys it then. */
final class MiniSession implements HttpSession {

    private static final Logger log = LoggerFactory.getLogger(MiniSession.class);

    private final SessionStore store;
    private final MiniServletContext context;
    private final long creationTime;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private volatile String id;
    private volatile long lastAccessedTime;
    private volatile long thisAccessTime;
    private volatile int maxInactiveInterval;
    private volatile boolean isNew = true;
    private volatile boolean valid = true;

    MiniSession(SessionStore store, MiniServletContext context, String id, int maxInactiveSeconds) {
        this(store, context, id, maxInactiveSeconds, System.currentTimeMillis());
    }

    private MiniSession(SessionStore store, MiniServletContext context, String id, int maxInactiveSeconds, long creationTime) {
        this.store = store;
        this.context = context;
        this.id = id;
        this.maxInactiveInterval = maxInactiveSeconds;
        this.creationTime = creationTime;
        this.lastAccessedTime = creationTime;
        this.thisAccessTime = creationTime;
    }

    /** A session read back from a persisted store: its times and attributes as they were, no listener told. */
    static MiniSession restored(SessionStore store, MiniServletContext context, PersistedSession saved) {
        MiniSession session = new MiniSession(store, context, saved.id(), saved.maxInactiveInterval(), saved.creationTime());
        session.lastAccessedTime = saved.lastAccessedTime();
        session.thisAccessTime = saved.thisAccessTime();
        session.isNew = saved.isNew();
        session.attributes.putAll(saved.attributes());
        return session;
    }

    /** What a persisted store keeps of this session; the attributes as they are (the store picks what it can write). */
    PersistedSession toPersisted() {
        return new PersistedSession(id, creationTime, lastAccessedTime, thisAccessTime, maxInactiveInterval, isNew,
                Map.copyOf(attributes));
    }

    /** Tells attributes that listen for it that the session is about to be written out. */
    void passivate() {
        for (Object value : attributes.values()) {
            if (value instanceof HttpSessionActivationListener listener) {
                try {
                    listener.sessionWillPassivate(new HttpSessionEvent(this));
                } catch (RuntimeException e) {
                    log.warn("Session attribute {} failed in sessionWillPassivate", value.getClass().getName(), e);
                }
            }
        }
    }

    /** Tells attributes that listen for it that the session was read back in. */
    void activate() {
        for (Object value : attributes.values()) {
            if (value instanceof HttpSessionActivationListener listener) {
                try {
                    listener.sessionDidActivate(new HttpSessionEvent(this));
                } catch (RuntimeException e) {
                    log.warn("Session attribute {} failed in sessionDidActivate", value.getClass().getName(), e);
                }
            }
        }
    }

    /** Forgets the session without telling anyone: it lives on in the persisted store. */
    void dropPersisted() {
        attributes.clear();
        valid = false;
    }

    /** A request joined this session: the previous request's time becomes the last accessed time. */
    void access() {
        long now = System.currentTimeMillis();
        lastAccessedTime = thisAccessTime;
        thisAccessTime = now;
        isNew = false;
    }

    boolean isExpired(long now) {
        return maxInactiveInterval > 0 && now - thisAccessTime > maxInactiveInterval * 1000L;
    }

    boolean isValid() {
        return valid;
    }

    void id(String newId) {
        this.id = newId;
    }

    private void checkValid() {
        if (!valid) {
            throw new IllegalStateException("The session has been invalidated");
        }
    }

    @Override
    public long getCreationTime() {
        checkValid();
        return creationTime;
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public long getLastAccessedTime() {
        checkValid();
        return lastAccessedTime;
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        this.maxInactiveInterval = interval;
    }

    @Override
    public int getMaxInactiveInterval() {
        return maxInactiveInterval;
    }

    @Override
    public Object getAttribute(String name) {
        checkValid();
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        checkValid();
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (name == null) {
            throw new IllegalArgumentException("Attribute name must not be null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        if (value instanceof HttpSessionBindingListener bindingListener) {
            bindingListener.valueBound(new HttpSessionBindingEvent(this, name, value));
        }
        Object old = attributes.put(name, value);
        if (old != null && old != value && old instanceof HttpSessionBindingListener oldListener) {
            oldListener.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        for (HttpSessionAttributeListener listener : context.listeners(HttpSessionAttributeListener.class)) {
            if (old == null) {
                listener.attributeAdded(new HttpSessionBindingEvent(this, name, value));
            } else {
                listener.attributeReplaced(new HttpSessionBindingEvent(this, name, old));
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        removeQuietly(name);
    }

    private void removeQuietly(String name) {
        Object old = attributes.remove(name);
        if (old == null) {
            return;
        }
        if (old instanceof HttpSessionBindingListener bindingListener) {
            bindingListener.valueUnbound(new HttpSessionBindingEvent(this, name, old));
        }
        for (HttpSessionAttributeListener listener : context.listeners(HttpSessionAttributeListener.class)) {
            listener.attributeRemoved(new HttpSessionBindingEvent(this, name, old));
        }
    }

    @Override
    public void invalidate() {
        checkValid();
        store.destroy(this);
    }

    /** Called by the store once the session left it: listeners see it still valid, then it is emptied. */
    void expireNow() {
        try {
            for (String name : new ArrayList<>(attributes.keySet())) {
                try {
                    removeQuietly(name);
                } catch (RuntimeException e) {
                    log.warn("Unbinding session attribute {} failed", name, e);
                }
            }
        } finally {
            attributes.clear();
            valid = false;
        }
    }

    @Override
    public boolean isNew() {
        checkValid();
        return isNew;
    }
}
