package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import java.util.Set;

/**
 * One {@code addMappingFor...} call: a filter applied to URL patterns or to servlet names for
 * some dispatcher types. Exactly one of {@code urlPatterns} and {@code servletNames} is non-empty.
 */
record FilterMapping(FilterHolder filter, Set<String> urlPatterns, Set<String> servletNames,
                     Set<DispatcherType> dispatcherTypes, boolean matchAfter) {

    boolean appliesTo(DispatcherType type) {
        return dispatcherTypes.contains(type);
    }

    /** URL pattern matching for filters: any pattern that would select the path (Servlet spec 12.2). */
    boolean matchesPath(String path, ServletMatch match) {
        for (String pattern : urlPatterns) {
            if (patternMatches(pattern, path, match)) {
                return true;
            }
        }
        return false;
    }

    static boolean patternMatches(String pattern, String path, ServletMatch match) {
        if (pattern.equals("/*")) {
            return true;
        }
        if (pattern.equals("/")) {
            // "/" selects what the default servlet serves.
            return match == null || match.mapping().getMappingMatch() == jakarta.servlet.http.MappingMatch.DEFAULT;
        }
        if (pattern.isEmpty()) {
            return path.equals("/");
        }
        if (pattern.endsWith("/*")) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
        if (pattern.startsWith("*.")) {
            int slash = path.lastIndexOf('/');
            int dot = path.lastIndexOf('.');
            return dot > slash && path.substring(dot + 1).equals(pattern.substring(2));
        }
        return pattern.equals(path);
    }
}
