package dev.minihttp.servlet;

import jakarta.servlet.http.HttpServlet;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code Allow} field values the container writes itself: for {@code OPTIONS *} (what the
 * server as a whole handles) and for a {@code TRACE} it refuses with 405 (RFC 9110 15.5.6
 * requires the field there). For the latter, as Tomcat does, the methods are read from the
 * {@code doXxx} methods the mapped {@link HttpServlet} overrides; HttpServlet's own service()
 * answers the others with 405 anyway.
 */
final class AllowedMethods {

    /** What {@code OPTIONS *} answers; the same list as Tomcat's. */
    private static final String SERVER_WIDE = "GET, HEAD, POST, PUT, DELETE, OPTIONS";

    private static final ClassValue<String> OF_SERVLET_CLASS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> servletClass) {
            return fromOverrides(servletClass);
        }
    };

    private AllowedMethods() {
    }

    static String serverWide(boolean allowTrace) {
        return allowTrace ? SERVER_WIDE + ", TRACE" : SERVER_WIDE;
    }

    /** The methods the servlet of a refused TRACE handles; for no servlet, or one not an HttpServlet, the server-wide list. */
    static String withoutTrace(ServletMatch match) {
        if (match == null || !HttpServlet.class.isAssignableFrom(match.servlet().instanceClass)) {
            return serverWide(false);
        }
        return OF_SERVLET_CLASS.get(match.servlet().instanceClass);
    }

    private static String fromOverrides(Class<?> servletClass) {
        Set<String> declared = new LinkedHashSet<>();
        for (Class<?> type = servletClass; type != null && type != HttpServlet.class; type = type.getSuperclass()) {
            for (Method method : type.getDeclaredMethods()) {
                declared.add(method.getName());
            }
        }
        StringBuilder allow = new StringBuilder();
        if (declared.contains("doGet")) {
            allow.append("GET, HEAD, ");
        }
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
            if (declared.contains("do" + method.charAt(0) + method.substring(1).toLowerCase(java.util.Locale.ROOT))) {
                allow.append(method).append(", ");
            }
        }
        return allow.append("OPTIONS").toString();
    }
}
