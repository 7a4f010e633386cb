package dev.minihttp.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns the raw request path into the decoded, normalised path that servlets are mapped on.
 * Strict where a loose reading would let a path escape a mapping or a filter: an encoded
 * slash, backslash or NUL, a malformed escape, or a ".." above the root is rejected (400).
 */
final class RequestPath {

    private RequestPath() {
    }

    /** @throws IllegalArgumentException when the path is malformed or climbs above the root */
    static String decode(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new IllegalArgumentException("path must start with /");
        }
        Deque<String> segments = new ArrayDeque<>();
        boolean trailingSlash = false;
        int start = 1;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            String segment = decodeSegment(stripParameters(rawPath.substring(start, end)));
            trailingSlash = end == rawPath.length() && (segment.isEmpty() || segment.equals(".") || segment.equals(".."));
            if (segment.equals("..")) {
                if (segments.isEmpty()) {
                    throw new IllegalArgumentException("path climbs above the root");
                }
                segments.removeLast();
            } else if (!segment.isEmpty() && !segment.equals(".")) {
                segments.addLast(segment);
            }
            start = end + 1;
        }
        StringBuilder path = new StringBuilder(rawPath.length());
        for (String segment : segments) {
            path.append('/').append(segment);
        }
        if (path.length() == 0 || trailingSlash) {
            path.append('/');
        }
        return path.toString();
    }

    // ";jsessionid=..." and other path parameters are not part of the mapped path.
    private static String stripParameters(String segment) {
        int semicolon = segment.indexOf(';');
        return semicolon < 0 ? segment : segment.substring(0, semicolon);
    }

    private static String decodeSegment(String segment) {
        if (segment.indexOf('%') < 0) {
            if (segment.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("backslash in path");
            }
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                if (i + 2 >= segment.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int value = (Character.digit(segment.charAt(i + 1), 16) << 4) | Character.digit(segment.charAt(i + 2), 16);
                if (value < 0 || Character.digit(segment.charAt(i + 1), 16) < 0 || Character.digit(segment.charAt(i + 2), 16) < 0) {
                    throw new IllegalArgumentException("malformed escape");
                }
                if (value == '/' || value == '\\' || value == 0) {
                    throw new IllegalArgumentException("encoded slash, backslash or NUL");
                }
                bytes.write(value);
                i += 2;
            } else if (c == '\\') {
                throw new IllegalArgumentException("backslash in path");
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
