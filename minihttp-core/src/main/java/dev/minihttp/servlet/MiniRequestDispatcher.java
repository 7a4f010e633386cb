package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward and include, to a path (with the {@code jakarta.servlet.forward.*} /
 * {@code include.*} attributes and an optional query string whose parameters take precedence)
 * or to a named servlet (no path change, no attributes).
 */
final class MiniRequestDispatcher implements RequestDispatcher {

    private static final String[] FORWARD_ATTRIBUTES = {FORWARD_REQUEST_URI, FORWARD_CONTEXT_PATH,
        FORWARD_SERVLET_PATH, FORWARD_PATH_INFO, FORWARD_QUERY_STRING, FORWARD_MAPPING};
    private static final String[] INCLUDE_ATTRIBUTES = {INCLUDE_REQUEST_URI, INCLUDE_CONTEXT_PATH,
        INCLUDE_SERVLET_PATH, INCLUDE_PATH_INFO, INCLUDE_QUERY_STRING, INCLUDE_MAPPING};

    private final MiniServletContext context;
    private final String path; // decoded path within the context, null for a named dispatcher
    private final String query;
    private final ServletHolder named;

    private MiniRequestDispatcher(MiniServletContext context, String path, String query, ServletHolder named) {
        this.context = context;
        this.path = path;
        this.query = query;
        this.named = named;
    }

    static MiniRequestDispatcher forPath(MiniServletContext context, String pathAndQuery) {
        String path = pathAndQuery;
        String query = null;
        int question = pathAndQuery.indexOf('?');
        if (question >= 0) {
            query = pathAndQuery.substring(question + 1);
            path = pathAndQuery.substring(0, question);
        }
        try {
            path = RequestPath.decode(path);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new MiniRequestDispatcher(context, path, query, null);
    }

    static MiniRequestDispatcher forServlet(MiniServletContext context, ServletHolder holder) {
        return new MiniRequestDispatcher(context, null, null, holder);
    }

    @Override
    public void forward(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        MiniHttpServletRequest base = unwrap(request);
        MiniHttpServletResponse baseResponse = unwrap(response);
        if (baseResponse.exchange().isCommitted()) {
            throw new IllegalStateException("Cannot forward after the response has been committed");
        }
        response.resetBuffer();
        DispatchState saved = base.state();
        Map<String, Object> savedAttributes = snapshot(base, FORWARD_ATTRIBUTES);
        RequestCycle cycle = base.cycle();
        try {
            if (named != null) {
                base.state(new DispatchState(DispatcherType.FORWARD, saved.requestURI(), saved.servletPath(),
                        saved.pathInfo(), saved.queryString(), saved.mapping(), saved.path(), saved.parameters()));
                cycle.invoke(DispatcherType.FORWARD, null, matchNamed(), request, response);
            } else {
                if (base.getAttribute(FORWARD_REQUEST_URI) == null) {
                    base.putAttributeQuietly(FORWARD_REQUEST_URI, saved.requestURI());
                    base.putAttributeQuietly(FORWARD_CONTEXT_PATH, context.getContextPath());
                    base.putAttributeQuietly(FORWARD_SERVLET_PATH, saved.servletPath());
                    base.putAttributeQuietly(FORWARD_PATH_INFO, saved.pathInfo());
                    base.putAttributeQuietly(FORWARD_QUERY_STRING, saved.queryString());
                    base.putAttributeQuietly(FORWARD_MAPPING, saved.mapping());
                }
                ServletMatch match = context.match(path);
                base.state(RequestCycle.stateFor(DispatcherType.FORWARD, context.getContextPath() + path, path,
                        query != null ? query : saved.queryString(), match, mergedParameters(base)));
                cycle.invoke(DispatcherType.FORWARD, path, match, request, response);
            }
        } finally {
            base.state(saved);
            restore(base, savedAttributes);
        }
        // Servlet spec 9.4: the response is closed once a forward returns (unless async started).
        if (!base.isAsyncStarted()) {
            baseResponse.flushWriter();
            baseResponse.close();
        }
    }

    @Override
    public void include(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        MiniHttpServletRequest base = unwrap(request);
        MiniHttpServletResponse baseResponse = unwrap(response);
        DispatchState saved = base.state();
        Map<String, Object> savedAttributes = snapshot(base, INCLUDE_ATTRIBUTES);
        RequestCycle cycle = base.cycle();
        baseResponse.beginInclude();
        try {
            if (named != null) {
                base.state(new DispatchState(DispatcherType.INCLUDE, saved.requestURI(), saved.servletPath(),
                        saved.pathInfo(), saved.queryString(), saved.mapping(), saved.path(), saved.parameters()));
                cycle.invoke(DispatcherType.INCLUDE, null, matchNamed(), request, response);
            } else {
                ServletMatch match = context.match(path);
                base.putAttributeQuietly(INCLUDE_REQUEST_URI, context.getContextPath() + path);
                base.putAttributeQuietly(INCLUDE_CONTEXT_PATH, context.getContextPath());
                base.putAttributeQuietly(INCLUDE_SERVLET_PATH, match == null ? path : match.servletPath());
                base.putAttributeQuietly(INCLUDE_PATH_INFO, match == null ? null : match.pathInfo());
                base.putAttributeQuietly(INCLUDE_QUERY_STRING, query);
                base.putAttributeQuietly(INCLUDE_MAPPING, match == null ? null : match.mapping());
                // The included servlet sees the including request's paths; only the attributes tell the target.
                base.state(new DispatchState(DispatcherType.INCLUDE, saved.requestURI(), saved.servletPath(),
                        saved.pathInfo(), saved.queryString(), saved.mapping(), saved.path(), mergedParameters(base)));
                if (match == null) {
                    throw new ServletException("No servlet mapped for include of " + path);
                }
                cycle.invoke(DispatcherType.INCLUDE, path, match, request, response);
            }
        } finally {
            baseResponse.endInclude();
            base.state(saved);
            restore(base, savedAttributes);
        }
    }

    private ServletMatch matchNamed() {
        return new ServletMatch(named, null, null, null);
    }

    // A query string on the dispatcher path adds values ahead of the request's own ones.
    private Map<String, List<String>> mergedParameters(MiniHttpServletRequest base) {
        DispatchState current = base.state();
        Map<String, List<String>> existing = current.parameters() != null ? current.parameters() : base.ownParameters();
        if (query == null) {
            return current.parameters();
        }
        Map<String, List<String>> added = new LinkedHashMap<>();
        FormDecoder.decodeInto(query, java.nio.charset.StandardCharsets.UTF_8, added);
        Map<String, List<String>> merged = new LinkedHashMap<>();
        added.forEach((name, values) -> merged.put(name, new ArrayList<>(values)));
        existing.forEach((name, values) -> merged.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values));
        return merged;
    }

    private static Map<String, Object> snapshot(MiniHttpServletRequest base, String[] names) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, base.getAttribute(name));
        }
        return values;
    }

    private static void restore(MiniHttpServletRequest base, Map<String, Object> values) {
        values.forEach(base::putAttributeQuietly);
    }

    static MiniHttpServletRequest unwrap(ServletRequest request) throws ServletException {
        ServletRequest current = request;
        while (current instanceof ServletRequestWrapper wrapper) {
            current = wrapper.getRequest();
        }
        if (current instanceof MiniHttpServletRequest base) {
            return base;
        }
        throw new ServletException("Not a request of this container: " + request.getClass().getName());
    }

    static MiniHttpServletResponse unwrap(ServletResponse response) throws ServletException {
        ServletResponse current = response;
        while (current instanceof ServletResponseWrapper wrapper) {
            current = wrapper.getResponse();
        }
        if (current instanceof MiniHttpServletResponse base) {
            return base;
        }
        throw new ServletException("Not a response of this container: " + response.getClass().getName());
    }
}
