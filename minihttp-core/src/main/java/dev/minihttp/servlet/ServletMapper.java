package dev.minihttp.servlet;

import jakarta.servlet.http.MappingMatch;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Servlet specification's mapping rules (chapter 12): the first that applies wins —
 * context root {@code ""}, exact, longest {@code /prefix/*}, {@code *.ext} on the last segment,
 * then the default servlet {@code /}.
 */
final class ServletMapper {

    private final Map<String, ServletHolder> exact = new ConcurrentHashMap<>();
    private final Map<String, ServletHolder> prefix = new ConcurrentHashMap<>(); // key without "/*"
    private final Map<String, ServletHolder> extension = new ConcurrentHashMap<>(); // key without "*."
    private volatile ServletHolder contextRoot;
    private volatile ServletHolder defaultServlet;

    /** Whether any servlet is mapped to this pattern already. */
    boolean isMapped(String pattern) {
        return holderOf(pattern) != null;
    }

    ServletHolder holderOf(String pattern) {
        if (pattern.isEmpty()) {
            return contextRoot;
        }
        if (pattern.equals("/")) {
            return defaultServlet;
        }
        if (pattern.startsWith("*.")) {
            return extension.get(pattern.substring(2));
        }
        if (pattern.endsWith("/*")) {
            return prefix.get(pattern.substring(0, pattern.length() - 2));
        }
        return exact.get(pattern);
    }

    /** @throws IllegalArgumentException when the pattern is not a valid servlet URL pattern */
    void add(String pattern, ServletHolder holder) {
        if (pattern.isEmpty()) {
            contextRoot = holder;
        } else if (pattern.equals("/")) {
            defaultServlet = holder;
        } else if (pattern.startsWith("*.") && pattern.indexOf('/') < 0 && pattern.length() > 2) {
            extension.put(pattern.substring(2), holder);
        } else if (pattern.startsWith("/") && pattern.endsWith("/*")) {
            prefix.put(pattern.substring(0, pattern.length() - 2), holder);
        } else if (pattern.startsWith("/") && pattern.indexOf('*') < 0) {
            exact.put(pattern, holder);
        } else {
            throw new IllegalArgumentException("Invalid servlet URL pattern: '" + pattern + "'");
        }
    }

    boolean hasDefault() {
        return defaultServlet != null;
    }

    /** Maps a decoded path within the context (starting with '/'), or returns null when nothing applies. */
    ServletMatch match(String path) {
        if (path.equals("/") && contextRoot != null) {
            return new ServletMatch(contextRoot, "", "/",
                    new ServletPathMapping("", "", contextRoot.name(), MappingMatch.CONTEXT_ROOT));
        }
        ServletHolder holder = exact.get(path);
        if (holder != null) {
            return new ServletMatch(holder, path, null,
                    new ServletPathMapping(path.substring(1), path, holder.name(), MappingMatch.EXACT));
        }
        ServletMatch byPrefix = matchPrefix(path);
        if (byPrefix != null) {
            return byPrefix;
        }
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash) {
            holder = extension.get(path.substring(dot + 1));
            if (holder != null) {
                return new ServletMatch(holder, path, null, new ServletPathMapping(
                        path.substring(1, dot), "*." + path.substring(dot + 1), holder.name(), MappingMatch.EXTENSION));
            }
        }
        holder = defaultServlet;
        if (holder != null) {
            return new ServletMatch(holder, path, null, new ServletPathMapping("", "/", holder.name(), MappingMatch.DEFAULT));
        }
        return null;
    }

    // Longest prefix first: walk the path back one segment at a time ("/a/b/c", "/a/b", "/a", "").
    private ServletMatch matchPrefix(String path) {
        if (prefix.isEmpty()) {
            return null;
        }
        String candidate = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        while (true) {
            ServletHolder holder = prefix.get(candidate);
            if (holder != null) {
                String pathInfo = path.length() > candidate.length() ? path.substring(candidate.length()) : null;
                String matchValue = pathInfo == null ? "" : pathInfo.substring(1);
                return new ServletMatch(holder, candidate, pathInfo,
                        new ServletPathMapping(matchValue, candidate + "/*", holder.name(), MappingMatch.PATH));
            }
            if (candidate.isEmpty()) {
                return null;
            }
            candidate = candidate.substring(0, candidate.lastIndexOf('/'));
        }
    }
}
