package dev.minihttp.servlet;

import dev.minihttp.server.Request;
import dev.minihttp.server.Response;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.MappingMatch;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one exchange inside the container: the REQUEST dispatch on the engine worker,
 * the ERROR dispatch for {@code sendError} or an escaping exception, async dispatches, and the
 * end — error page, request listeners, temp files, and completing the engine response when the
 * exchange was suspended for async.
 */
final class RequestCycle {

    private static final Logger log = LoggerFactory.getLogger(RequestCycle.class);

    private final MiniServletContext context;
    private final Request exchange;
    private final Response engineResponse;
    private final MiniHttpServletRequest request;
    private final MiniHttpServletResponse response;
    private volatile MiniAsyncContext async;
    private volatile DispatchState lastContainerDispatch; // REQUEST or ASYNC; forwards and includes are not the container's
    private volatile boolean finished;
    private volatile int initializedRequestListeners; // those whose requestInitialized returned: they get requestDestroyed

    RequestCycle(MiniServletContext context, Request exchange, Response engineResponse) {
        this.context = context;
        this.exchange = exchange;
        this.engineResponse = engineResponse;
        this.request = new MiniHttpServletRequest(context, exchange, this);
        this.response = new MiniHttpServletResponse(context, engineResponse, request);
    }

    MiniHttpServletRequest request() {
        return request;
    }

    MiniHttpServletResponse response() {
        return response;
    }

    MiniServletContext context() {
        return context;
    }

    Request exchange() {
        return exchange;
    }

    /** The REQUEST dispatch, on the engine worker that called the handler. */
    void run() throws IOException {
        if (exchange.path().equals("*")) {
            answerServerOptions();
            return;
        }
        String path;
        try {
            path = RequestPath.decode(exchange.path());
        } catch (IllegalArgumentException e) {
            log.debug("Rejecting request path {}: {}", exchange.path(), e.getMessage());
            response.writeContainerError(400);
            return;
        }
        String contextPath = context.getContextPath();
        if (!contextPath.isEmpty()) {
            if (path.equals(contextPath)) {
                redirectToContextRoot();
                return;
            }
            if (!path.startsWith(contextPath + "/")) {
                response.writeContainerError(404);
                return;
            }
            path = path.substring(contextPath.length());
        }
        ServletMatch match = context.match(path);
        containerDispatch(stateFor(DispatcherType.REQUEST, exchange.path(), path, exchange.query(), match, null));
        if (!initializeRequestListeners()) {
            finish();
            return;
        }
        if (exchange.method().equals("TRACE") && !context.allowTrace()) {
            refuseTrace(match);
            return;
        }
        dispatchAndCatch(DispatcherType.REQUEST, path, match, request, response);
        afterContainerDispatch();
    }

    /**
     * {@code OPTIONS *} (asterisk-form, which the parser admits for OPTIONS only, RFC 9112
     * 3.2.4) asks about the server, not a resource: no application code runs, as on Tomcat.
     */
    private void answerServerOptions() throws IOException {
        response.setHeader("Allow", AllowedMethods.serverWide(context.allowTrace()));
        response.setContentLength(0);
        finish();
    }

    /**
     * The context path without its slash ({@code /ctx}) names the context root, which only
     * {@code /ctx/} maps: redirect there, query kept, as Tomcat does, before any application code
     * runs. The Location stays relative, like every redirect minihttp writes.
     */
    private void redirectToContextRoot() throws IOException {
        String query = exchange.query();
        response.sendRedirect(exchange.path() + "/" + (query == null ? "" : "?" + query));
        finish();
    }

    /**
     * A TRACE the container refuses: 405 with the servlet's methods in {@code Allow}, rendered by
     * the error page like any error, but no filter or servlet of the application sees the request
     * (so none can echo its headers back). Request listeners have run, as on Tomcat.
     */
    private void refuseTrace(ServletMatch match) throws IOException {
        response.setHeader("Allow", AllowedMethods.withoutTrace(match));
        response.sendError(405);
        finish();
    }

    /**
     * Tells the request listeners, in order, until one throws. Then, as on Tomcat, the request
     * goes no further: no filter or servlet runs and no error page (the application never got
     * the request); the client gets the container's plain 500. Unlike Tomcat, which then tells
     * no listener that the request is destroyed, the listeners that were initialised are (in
     * reverse order, by {@link #finish()}), so one that set up per-request state (a thread-local
     * on this pooled worker) can clear it.
     */
    private boolean initializeRequestListeners() throws IOException {
        List<ServletRequestListener> listeners = context.listeners(ServletRequestListener.class);
        for (int i = 0; i < listeners.size(); i++) {
            ServletRequestListener listener = listeners.get(i);
            try {
                listener.requestInitialized(new ServletRequestEvent(context, request));
            } catch (Throwable t) {
                Throwable counted = rootCause(t);
                log.error("Request listener {} failed in requestInitialized for {}: {}", listener.getClass().getName(),
                        request, counted.toString(), t);
                engineResponse.reportException(counted);
                response.writeContainerError(500);
                return false;
            }
            initializedRequestListeners = i + 1;
        }
        return true;
    }

    private void containerDispatch(DispatchState state) {
        lastContainerDispatch = state;
        request.state(state);
    }

    /** Where the request was when the container last dispatched it (what {@code AsyncContext.dispatch()} returns to). */
    DispatchState lastContainerDispatch() {
        return lastContainerDispatch;
    }

    static DispatchState stateFor(DispatcherType type, String requestURI, String path, String query, ServletMatch match,
                                  java.util.Map<String, List<String>> parameters) {
        if (match == null) {
            return new DispatchState(type, requestURI, path, null, query,
                    new ServletPathMapping("", "/", "", MappingMatch.DEFAULT), path, parameters);
        }
        return new DispatchState(type, requestURI, match.servletPath(), match.pathInfo(), query, match.mapping(), path, parameters);
    }

    /** Runs one container-initiated dispatch; an escaping exception becomes an error page (or a closed connection). */
    void dispatchAndCatch(DispatcherType type, String path, ServletMatch match, ServletRequest req, ServletResponse res) {
        try {
            invoke(type, path, match, req, res);
        } catch (Throwable t) {
            failed(t);
            MiniAsyncContext current = async;
            if (current != null) {
                current.fireError(t);
                if (!current.takeOverAfterError()) {
                    return; // a listener completed or dispatched: it owns the response now
                }
            }
            handleException(t);
        }
    }

    /** Filters and servlet of one dispatch; 404 (through the error pages) when nothing is mapped. */
    void invoke(DispatcherType type, String path, ServletMatch match, ServletRequest req, ServletResponse res)
            throws IOException, ServletException {
        if (match == null) {
            ((jakarta.servlet.http.HttpServletResponse) res).sendError(404);
            return;
        }
        List<FilterHolder> filters = FilterChainBuilder.filtersFor(context.filterMappings(), type, path, match);
        ServletHolder previous = request.currentServlet();
        try {
            new MiniFilterChain(filters, match.servlet(), request).doFilter(req, res);
        } finally {
            request.currentServlet(previous == null ? match.servlet() : previous);
        }
    }

    /**
     * An exception escaped application code and the container answers it (error page, 500 or a
     * closed connection), so the engine never sees it: log it once and have the engine count it
     * against this worker thread, as it would had it escaped the handler.
     */
    void failed(Throwable failure) {
        // The headline names what is counted, message included: log searches and alerts often see only this line.
        Throwable counted = rootCause(failure);
        log.error("Request {} failed: {}", request, counted.toString(), failure);
        engineResponse.reportException(counted);
    }

    /**
     * What the engine counts: the exception inside {@link ServletException} wrappers. Frameworks
     * wrap whatever a handler throws (Spring MVC: "Request processing failed", "Handler dispatch
     * failed", also around an {@code Error}), and a count of "ServletException" tells an operator
     * nothing, while an {@code Error} must still be seen as one.
     */
    static Throwable rootCause(Throwable thrown) {
        Throwable current = thrown;
        for (int depth = 0; current instanceof ServletException && current.getCause() != null && depth < 16; depth++) {
            current = current.getCause();
        }
        return current;
    }

    /** An {@code AsyncContext.start} task threw: onError listeners, then the error page unless one of them acted. */
    void asyncTaskFailed(Throwable failure) {
        failed(failure);
        MiniAsyncContext current = async;
        current.fireError(failure);
        if (current.takeOverAfterTaskError(failure)) {
            handleException(failure);
            afterContainerDispatch();
        }
    }

    /** Answers an exception that was already logged and counted: error page, or a closed connection when committed. */
    void handleException(Throwable failure) {
        if (engineResponse.isCommitted()) {
            // Too late for a status: the client must not mistake a truncated body for a whole one.
            log.debug("Response to {} already committed; closing the connection", request);
            engineResponse.abort();
            finished = true;
            return;
        }
        ErrorDispatcher.forException(this, failure);
    }

    /** Called when a container dispatch (request, async, timeout or error listeners) returns. */
    void afterContainerDispatch() {
        MiniAsyncContext current = async;
        if (current == null) {
            finish();
            return;
        }
        current.containerDispatchReturned();
    }

    // ---- upgrade ----

    /**
     * {@code HttpServletRequest.upgrade}: the response becomes a 101, and once it is complete (the
     * servlet returned, or async completed) the engine hands the connection to the handler.
     */
    void upgrade(jakarta.servlet.http.HttpUpgradeHandler handler) {
        if (engineResponse.isCommitted()) {
            throw new IllegalStateException("The response is already committed: too late to upgrade");
        }
        engineResponse.upgrade(new MiniWebConnection(context, handler));
    }

    // ---- async ----

    /**
     * @param original whether {@code req} and {@code res} are the container's own objects
     * @param explicit whether the application passed them ({@code startAsync(req, res)}) rather
     *                 than calling {@code startAsync()}; it changes where {@code dispatch()} goes
     */
    AsyncContext startAsync(ServletRequest req, ServletResponse res, boolean original, boolean explicit) {
        if (finished) {
            throw new IllegalStateException("The response has already been completed");
        }
        MiniAsyncContext current = async;
        if (current == null) {
            current = new MiniAsyncContext(this, req, res, original, explicit, request.state());
            async = current;
        } else {
            current.restart(req, res, original, explicit, request.state());
        }
        if (!engineResponse.isSuspended()) {
            engineResponse.suspend();
        }
        return current;
    }

    boolean isAsyncStarted() {
        MiniAsyncContext current = async;
        return current != null && current.isStarted();
    }

    AsyncContext asyncContext() {
        MiniAsyncContext current = async;
        return current != null && current.isStarted() ? current : null;
    }

    /** An ASYNC dispatch, already on a worker. */
    void runAsyncDispatch(MiniAsyncContext.Target target, ServletRequest req, ServletResponse res) {
        DispatchState current = request.state();
        if (request.getAttribute(AsyncContext.ASYNC_REQUEST_URI) == null) {
            request.putAttributeQuietly(AsyncContext.ASYNC_REQUEST_URI, current.requestURI());
            request.putAttributeQuietly(AsyncContext.ASYNC_CONTEXT_PATH, context.getContextPath());
            request.putAttributeQuietly(AsyncContext.ASYNC_SERVLET_PATH, current.servletPath());
            request.putAttributeQuietly(AsyncContext.ASYNC_PATH_INFO, current.pathInfo());
            request.putAttributeQuietly(AsyncContext.ASYNC_QUERY_STRING, current.queryString());
            request.putAttributeQuietly(AsyncContext.ASYNC_MAPPING, current.mapping());
        }
        ServletMatch match = context.match(target.path());
        containerDispatch(stateFor(DispatcherType.ASYNC, target.requestURI(), target.path(), target.query(), match,
                target.parameters()));
        dispatchAndCatch(DispatcherType.ASYNC, target.path(), match, req, res);
        afterContainerDispatch();
    }

    // ---- the end ----

    /** Ends the exchange: pending error page, buffered writer output, listeners, temp files, engine completion. */
    void finish() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            if (response.isErrorPending()) {
                ErrorDispatcher.forStatus(this);
            }
            response.flushWriter();
        } catch (RuntimeException e) {
            log.error("Failed to finish the response to {}", request, e);
        }
        try {
            if (engineResponse.isSuspended()) {
                engineResponse.complete();
            }
        } finally {
            MiniAsyncContext current = async;
            if (current != null) {
                current.fireComplete();
            }
            List<ServletRequestListener> listeners = context.listeners(ServletRequestListener.class);
            for (int i = Math.min(initializedRequestListeners, listeners.size()) - 1; i >= 0; i--) {
                try {
                    listeners.get(i).requestDestroyed(new ServletRequestEvent(context, request));
                } catch (RuntimeException e) {
                    log.warn("Request listener failed", e);
                }
            }
            deleteParts();
        }
    }

    private void deleteParts() {
        List<Part> parts = request.partsIfParsed();
        if (parts != null) {
            for (Part part : parts) {
                try {
                    part.delete();
                } catch (IOException e) {
                    log.debug("Could not delete multipart temp file", e);
                }
            }
        }
    }
}
