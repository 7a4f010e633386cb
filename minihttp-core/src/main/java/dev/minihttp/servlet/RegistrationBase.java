package dev.minihttp.servlet;

import java.util.Collections;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** What servlet and filter registrations share: name, class name, init parameters, async support. */
abstract class RegistrationBase {

    final MiniServletContext context;
    private final String name;
    private final String className;
    private final Map<String, String> initParameters = new LinkedHashMap<>();
    volatile boolean asyncSupported;

    RegistrationBase(MiniServletContext context, String name, String className) {
        this.context = context;
        this.name = name;
        this.className = className;
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
