package dev.minihttp.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An ordered multi-map of header fields with case-insensitive names, used for request headers,
 * response headers and trailers. Names keep the case they were added with; lookups ignore case.
 *
 * <p>Backed by two parallel lists rather than a hash map: requests carry a handful of fields,
 * where a linear scan beats hashing and keeps the wire order. Not thread-safe.
 */
public final class HttpHeaders {

    private final List<String> names;
    private final List<String> values;

    public HttpHeaders() {
        this(16);
    }

    public HttpHeaders(int expectedSize) {
        names = new ArrayList<>(expectedSize);
        values = new ArrayList<>(expectedSize);
    }

    /** Appends a field, keeping any earlier ones of the same name. */
    public HttpHeaders add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces every field of this name with a single one (or removes them when value is null). */
    public HttpHeaders set(String name, String value) {
        remove(name);
        if (value != null) {
            add(name, value);
        }
        return this;
    }

    /** Removes every field of this name; returns whether there was one. */
    public boolean remove(String name) {
        boolean removed = false;
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
                removed = true;
            }
        }
        return removed;
    }

    /** The first value of this name, or null. */
    public String get(String name) {
        for (int i = 0, n = names.size(); i < n; i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
            }
        }
        return null;
    }

    /** Every value of this name in wire order; empty when absent. */
    public List<String> getAll(String name) {
        List<String> found = null;
        for (int i = 0, n = names.size(); i < n; i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(values.get(i));
            }
        }
        return found == null ? List.of() : Collections.unmodifiableList(found);
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * Whether any field of this name holds {@code token} as one of its comma-separated elements,
     * ignoring case and optional whitespace (e.g. {@code Connection: keep-alive, Upgrade}).
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0, n = names.size(); i < n; i++) {
            if (names.get(i).equalsIgnoreCase(name) && listContains(values.get(i), token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean listContains(String list, String token) {
        int start = 0;
        int length = list.length();
        while (start <= length) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            if (list.substring(start, end).trim().equalsIgnoreCase(token)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** Distinct names in first-seen order, with the case of their first occurrence. */
    public Set<String> names() {
        Set<String> lowerSeen = new LinkedHashSet<>();
        Set<String> result = new LinkedHashSet<>();
        for (String name : names) {
            if (lowerSeen.add(name.toLowerCase(Locale.ROOT))) {
                result.add(name);
            }
        }
        return result;
    }

    /** Number of fields (not of distinct names). */
    public int size() {
        return names.size();
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public String name(int index) {
        return names.get(index);
    }

    public String value(int index) {
        return values.get(index);
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0, n = names.size(); i < n; i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    public void clear() {
        names.clear();
        values.clear();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        return text.toString();
    }
}
