package dev.minihttp.servlet;

import jakarta.servlet.ServletException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where errors are shown: a location per status code, per exception type (the nearest superclass
 * wins, then a {@link ServletException}'s root cause is tried), and a global default — Spring
 * Boot registers {@code /error} as that default.
 */
final class ErrorPages {

    private final Map<Integer, String> byStatus = new ConcurrentHashMap<>();
    private final Map<Class<?>, String> byException = new ConcurrentHashMap<>();
    private volatile String global;

    void add(int status, String location) {
        byStatus.put(status, checked(location));
    }

    void add(Class<? extends Throwable> type, String location) {
        byException.put(type, checked(location));
    }

    void setGlobal(String location) {
        global = location == null ? null : checked(location);
    }

    private static String checked(String location) {
        if (!location.startsWith("/")) {
            throw new IllegalArgumentException("Error page location must start with '/': " + location);
        }
        return location;
    }

    String forStatus(int status) {
        String location = byStatus.get(status);
        return location != null ? location : global;
    }

    /** The page for an exception, or for its root cause when it is a ServletException, else the status 500 page. */
    String forException(Throwable exception) {
        Throwable current = exception;
        while (current != null) {
            String location = nearest(current.getClass());
            if (location != null) {
                return location;
            }
            current = current instanceof ServletException servletException ? servletException.getRootCause() : null;
        }
        return forStatus(500);
    }

    private String nearest(Class<?> type) {
        for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
            String location = byException.get(candidate);
            if (location != null) {
                return location;
            }
        }
        return null;
    }
}
