package dev.minihttp.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What servlet and filter registrations share: name, class name, init parameters, async support,
 * and the instance's lifecycle — given, or created through the context on first use; initialised
 * once (double-checked); destroyed at most once per initialisation.
 *
 * @param <T> {@link jakarta.servlet.Servlet} or {@link jakarta.servlet.Filter}
 */
abstract class RegistrationBase<T> {

    final MiniServletContext context;
    private final String kind;
    private final String name;
    private final String className;
    final Class<? extends T> instanceClass;
    private final Map<String, String> initParameters = new LinkedHashMap<>();
    volatile boolean asyncSupported;
    private volatile T instance;
    private volatile boolean initialized;

    /** @param kind "Servlet" or "Filter", for messages */
    @SuppressWarnings("unchecked")
    RegistrationBase(String kind, MiniServletContext context, String name, T instance) {
        this(kind, context, name, (Class<? extends T>) instance.getClass());
        this.instance = instance;
    }

    RegistrationBase(String kind, MiniServletContext context, String name, Class<? extends T> instanceClass) {
        this.kind = kind;
        this.context = context;
        this.name = name;
        this.className = instanceClass.getName();
        this.instanceClass = instanceClass;
    }

    /** Calls the instance's {@code init} with this registration as its config. */
    abstract void init(T instance) throws ServletException;

    abstract void destroy(T instance);

    /** The initialised instance, creating (as {@code createServlet/createFilter} do) and initialising it on first use. */
    final T instance() throws ServletException {
        if (!initialized) {
            synchronized (this) {
                if (!initialized) {
                    if (instance == null) {
                        instance = MiniServletContext.instantiate(instanceClass);
                    }
                    init(instance);
                    initialized = true;
                }
            }
        }
        return instance;
    }

    final synchronized void destroy() {
        if (initialized) {
            initialized = false;
            try {
                destroy(instance);
            } catch (RuntimeException e) {
                context.log(kind + " " + getName() + " failed in destroy()", e);
            }
        }
    }

    /** For {@link jakarta.servlet.ServletConfig} and {@link jakarta.servlet.FilterConfig}. */
    public ServletContext getServletContext() {
        return context;
    }

    public String getName() {
        return name;
    }

    public String name() {
        return name;
    }

    public String getClassName() {
        return className;
    }

    public boolean setInitParameter(String name, String value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException("Init parameter name and value must not be null");
        }
        context.checkNotStarted();
        synchronized (initParameters) {
            return initParameters.putIfAbsent(name, value) == null;
        }
    }

    public String getInitParameter(String name) {
        synchronized (initParameters) {
            return initParameters.get(name);
        }
    }

    public Enumeration<String> getInitParameterNames() {
        synchronized (initParameters) {
            return Collections.enumeration(new HashSet<>(initParameters.keySet()));
        }
    }

    /** Returns the names that were already set (and so left unchanged), as the API requires. */
    public Set<String> setInitParameters(Map<String, String> parameters) {
        Set<String> conflicts = new HashSet<>();
        for (Map.Entry<String, String> entry : parameters.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("Init parameter name and value must not be null");
            }
            if (getInitParameter(entry.getKey()) != null) {
                conflicts.add(entry.getKey());
            }
        }
        if (conflicts.isEmpty()) {
            parameters.forEach(this::setInitParameter);
        }
        return conflicts;
    }

    public Map<String, String> getInitParameters() {
        synchronized (initParameters) {
            return Map.copyOf(initParameters);
        }
    }

    public void setAsyncSupported(boolean isAsyncSupported) {
        context.checkNotStarted();
        this.asyncSupported = isAsyncSupported;
    }

    boolean isAsyncSupported() {
        return asyncSupported;
    }
}
