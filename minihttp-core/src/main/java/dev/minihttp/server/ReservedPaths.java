package dev.minihttp.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The paths whose requests may use the reserved lane, matched against the raw request path on the
 * I/O thread before anything is queued.
 *
 * <p>A pattern is an exact path ({@code /actuator/health}) or a prefix ending in {@code /**}
 * ({@code /actuator/health/**} matches {@code /actuator/health} and everything below it), as in
 * Spring's path patterns. Matching is case-sensitive, like Servlet mappings.
 *
 * <p>Only a path already in canonical form can match. The application later decodes and normalizes
 * the path, so {@code /actuator/health/../../api/slow} or {@code /actuator/health/%2e%2e/api} would
 * otherwise run the application's own endpoint on a reserved thread, and any client could take the
 * lane away from the probes. A path holding {@code %}, {@code ;} (path parameters), a backslash,
 * an empty segment or a dot segment goes to the pool like any other request. Probes never send such paths.
 */
final class ReservedPaths {

    private final List<String> exact = new ArrayList<>();
    /** Each with its trailing slash: "/actuator/health/" for "/actuator/health/**". */
    private final List<String> prefixes = new ArrayList<>();

    ReservedPaths(List<String> patterns) {
        validate(patterns);
        for (String pattern : patterns) {
            if (pattern.endsWith("/**")) {
                prefixes.add(pattern.substring(0, pattern.length() - 2));
            } else {
                exact.add(pattern);
            }
        }
    }

    /** Fails with a message naming the first pattern this class cannot match as written. */
    static void validate(List<String> patterns) {
        for (String pattern : patterns) {
            if (pattern == null || !pattern.startsWith("/")) {
                throw new IllegalArgumentException("reservedPaths entries must start with '/', was " + pattern);
            }
            String body = pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 3) : pattern;
            if (body.contains("*")) {
                throw new IllegalArgumentException("reservedPaths entries are exact paths or end in '/**'; '*' "
                        + "elsewhere is not supported, was " + pattern);
            }
            if (!body.isEmpty() && !isCanonical(body)) {
                throw new IllegalArgumentException("reservedPaths entries must be plain paths (no '%', ';', '\\', "
                        + "empty or dot segments), was " + pattern);
            }
        }
    }

    boolean isEmpty() {
        return exact.isEmpty() && prefixes.isEmpty();
    }

    boolean matches(String rawPath) {
        // Every request asks: the cheap comparisons first, the scan of the whole path only for a
        // path that would take the lane.
        return rawPath != null && matchesAsWritten(rawPath) && isCanonical(rawPath);
    }

    private boolean matchesAsWritten(String rawPath) {
        for (String path : exact) {
            if (path.equals(rawPath)) {
                return true;
            }
        }
        for (String prefix : prefixes) {
            // "/a/" matches "/a" itself and "/a/..."; "/" (from "/**") matches every path.
            if (rawPath.startsWith(prefix) || rawPath.length() == prefix.length() - 1 && prefix.startsWith(rawPath)) {
                return true;
            }
        }
        return false;
    }

    /** True when decoding and normalizing cannot turn this path into another one. */
    private static boolean isCanonical(String path) {
        if (!path.startsWith("/")) {
            return false; // asterisk-form or authority-form: no servlet path at all
        }
        if (path.indexOf('%') >= 0 || path.indexOf(';') >= 0 || path.indexOf('\\') >= 0) {
            return false;
        }
        int start = 1;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            String segment = path.substring(start, end);
            boolean last = end == path.length();
            if ((segment.isEmpty() && !last) || segment.equals(".") || segment.equals("..")) {
                return false;
            }
            start = end + 1;
        }
        return true;
    }
}
