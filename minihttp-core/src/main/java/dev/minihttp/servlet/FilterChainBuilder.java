package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the filters of one dispatch, in the order the Servlet spec prescribes: URL-pattern
 * mappings first, then servlet-name mappings, each group in registration order, with
 * {@code isMatchAfter=false} mappings ahead of {@code isMatchAfter=true} ones.
 */
final class FilterChainBuilder {

    private FilterChainBuilder() {
    }

    static List<FilterHolder> filtersFor(List<FilterMapping> mappings, DispatcherType type, String path, ServletMatch match) {
        List<FilterHolder> byPattern = new ArrayList<>();
        List<FilterHolder> byName = new ArrayList<>();
        String servletName = match == null ? null : match.servlet().name();
        for (boolean after : new boolean[] {false, true}) {
            for (FilterMapping mapping : mappings) {
                if (mapping.matchAfter() != after || !mapping.appliesTo(type)) {
                    continue;
                }
                if (path != null && !mapping.urlPatterns().isEmpty() && mapping.matchesPath(path, match)) {
                    byPattern.add(mapping.filter());
                } else if (servletName != null
                        && (mapping.servletNames().contains(servletName) || mapping.servletNames().contains("*"))) {
                    byName.add(mapping.filter());
                }
            }
        }
        List<FilterHolder> chain = new ArrayList<>(byPattern.size() + byName.size());
        for (FilterHolder holder : byPattern) {
            if (!chain.contains(holder)) {
                chain.add(holder);
            }
        }
        for (FilterHolder holder : byName) {
            if (!chain.contains(holder)) {
                chain.add(holder);
            }
        }
        return chain;
    }
}
