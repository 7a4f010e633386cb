package dev.minihttp.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servlet async for one exchange. The engine response is suspended, so the worker goes back to
 * the pool while the request waits; {@code dispatch} and {@code start} continue on the engine's
 * workers, {@code complete} finishes on whatever thread calls it, and the timeout is decided on
 * the container timer but its listeners run on a worker.
 *
 * <pre>
 *  startAsync ─► STARTED ──complete()──► (container thread busy? COMPLETE_PENDING) ─► COMPLETED
 *                   │ └────dispatch()──► (container thread busy? DISPATCH_PENDING) ─► DISPATCHING
 *                   └──timeout──► onTimeout listeners ─► nobody acted: error 500, COMPLETED
 *  DISPATCHING ──startAsync──► STARTED;  DISPATCHING ──dispatch returns──► COMPLETED
 * </pre>
 * Calls made while a container thread still runs the servlet take effect when it returns, as the
 * specification requires.
 */
final class MiniAsyncContext implements AsyncContext {

    private static final Logger log = LoggerFactory.getLogger(MiniAsyncContext.class);

    private enum Phase { STARTED, COMPLETE_PENDING, DISPATCH_PENDING, DISPATCHING, COMPLETED }

    private record Registered(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    /**
     * Where an ASYNC dispatch goes: the request URI it will show, the decoded path it is mapped
     * on, its query string and parameter overlay (null: the request's own).
     */
    record Target(String requestURI, String path, String query, Map<String, List<String>> parameters) {

        static Target of(DispatchState state) {
            return new Target(state.requestURI(), state.path(), state.queryString(), state.parameters());
        }

        /** A context-relative, still encoded path with an optional query, as {@code dispatch(String)} takes it. */
        static Target parse(String contextPath, String pathAndQuery, DispatchState origin) {
            String path = pathAndQuery;
            String query = origin.queryString();
            int question = pathAndQuery.indexOf('?');
            if (question >= 0) {
                query = pathAndQuery.substring(question + 1);
                path = pathAndQuery.substring(0, question);
            }
            String decoded;
            try {
                decoded = RequestPath.decode(path);
            } catch (IllegalArgumentException e) {
                decoded = path;
            }
            return new Target(contextPath + path, decoded, query, origin.parameters());
        }
    }

    private final RequestCycle cycle;
    private final List<Registered> listeners = new CopyOnWriteArrayList<>();
    private ServletRequest request;
    private ServletResponse response;
    private boolean original;
    private DispatchState origin;
    private Target dispatchBack; // where dispatch() goes, fixed when async starts
    private Phase phase = Phase.STARTED;
    private boolean containerThreadActive = true;
    private Target dispatchTarget;
    private Throwable taskFailure; // a start() task failed while the container thread was still busy
    private long timeoutMillis;
    private ScheduledFuture<?> timeout;
    private int generation;

    MiniAsyncContext(RequestCycle cycle, ServletRequest request, ServletResponse response, boolean original,
                     boolean explicit, DispatchState origin) {
        this.cycle = cycle;
        this.request = request;
        this.response = response;
        this.original = original;
        this.origin = origin;
        this.dispatchBack = dispatchBack(request, explicit, origin);
        this.timeoutMillis = cycle.context().asyncTimeoutMillis();
    }

    /**
     * The target of {@code dispatch()}, per its Javadoc: after {@code startAsync(request, response)}
     * with an {@link HttpServletRequest}, that request's URI; otherwise the URI the container last
     * dispatched the request to (so {@code startAsync()} inside a forward goes back to the original
     * URI). Forwards here change the container's request in place instead of wrapping it, so the
     * URI is read now, while the forward that called startAsync is still in effect — later it
     * would already be restored.
     */
    private Target dispatchBack(ServletRequest req, boolean explicit, DispatchState state) {
        MiniHttpServletRequest base = cycle.request();
        if (explicit && req instanceof HttpServletRequest http) {
            String uri = http.getRequestURI();
            if (req == base || uri == null || uri.equals(base.getRequestURI())) {
                return Target.of(state);
            }
            // A wrapper with a URI of its own (Spring's ForwardedHeaderFilter, UrlHandlerFilter...).
            String contextPath = http.getContextPath();
            String path = contextPath != null && !contextPath.isEmpty() && uri.startsWith(contextPath)
                    ? uri.substring(contextPath.length()) : uri;
            return Target.parse(cycle.context().getContextPath(), path.isEmpty() ? "/" : path, state);
        }
        DispatchState last = cycle.lastContainerDispatch();
        return Target.of(last != null ? last : state);
    }

    /** startAsync during an async dispatch: listeners hear onStartAsync and must register again. */
    void restart(ServletRequest req, ServletResponse res, boolean isOriginal, boolean explicit, DispatchState state) {
        List<Registered> previous;
        synchronized (this) {
            if (phase != Phase.DISPATCHING) {
                throw new IllegalStateException("startAsync() called again before the async cycle ended (" + phase + ")");
            }
            phase = Phase.STARTED;
            generation++;
            request = req;
            response = res;
            original = isOriginal;
            origin = state;
            dispatchBack = dispatchBack(req, explicit, state);
            timeoutMillis = cycle.context().asyncTimeoutMillis();
            previous = new ArrayList<>(listeners);
            listeners.clear();
            taskFailure = null;
        }
        for (Registered registered : previous) {
            try {
                registered.listener().onStartAsync(new AsyncEvent(this, registered.request(), registered.response()));
            } catch (IOException | RuntimeException e) {
                log.warn("AsyncListener.onStartAsync failed", e);
            }
        }
    }

    synchronized boolean isStarted() {
        return phase == Phase.STARTED || phase == Phase.COMPLETE_PENDING || phase == Phase.DISPATCH_PENDING;
    }

    /** The container thread that ran the servlet (or the listeners) has returned. */
    void containerDispatchReturned() {
        Runnable next;
        synchronized (this) {
            containerThreadActive = false;
            switch (phase) {
                case STARTED -> {
                    if (taskFailure != null) {
                        Throwable failure = taskFailure;
                        taskFailure = null;
                        phase = Phase.DISPATCHING; // ends when the error dispatch returns
                        containerThreadActive = true;
                        next = () -> {
                            cycle.handleException(failure);
                            cycle.afterContainerDispatch();
                        };
                    } else {
                        scheduleTimeout();
                        next = null;
                    }
                }
                case COMPLETE_PENDING -> {
                    phase = Phase.COMPLETED;
                    next = cycle::finish;
                }
                case DISPATCH_PENDING -> {
                    phase = Phase.DISPATCHING;
                    containerThreadActive = true;
                    next = this::submitDispatch;
                }
                case DISPATCHING -> {
                    // An async dispatch ended without a new startAsync: the exchange is done.
                    phase = Phase.COMPLETED;
                    next = cycle::finish;
                }
                default -> next = null;
            }
        }
        if (next != null) {
            next.run();
        }
    }

    private void scheduleTimeout() {
        if (timeoutMillis > 0 && cycle.context().timer() != null) {
            int expected = generation;
            timeout = cycle.context().timer().schedule(() -> timeoutDue(expected), timeoutMillis);
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    @Override
    public ServletRequest getRequest() {
        synchronized (this) {
            if (phase == Phase.COMPLETED) {
                throw new IllegalStateException("The async cycle has completed");
            }
            return request;
        }
    }

    @Override
    public synchronized ServletResponse getResponse() {
        if (phase == Phase.COMPLETED) {
            throw new IllegalStateException("The async cycle has completed");
        }
        return response;
    }

    @Override
    public synchronized boolean hasOriginalRequestAndResponse() {
        return original;
    }

    @Override
    public void dispatch() {
        Target target;
        synchronized (this) {
            target = dispatchBack;
        }
        dispatchTo(target);
    }

    @Override
    public void dispatch(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("Dispatch path must start with '/': " + path);
        }
        DispatchState from;
        synchronized (this) {
            from = origin;
        }
        dispatchTo(Target.parse(cycle.context().getContextPath(), path, from));
    }

    private void dispatchTo(Target path) {
        boolean now;
        synchronized (this) {
            if (phase != Phase.STARTED) {
                throw new IllegalStateException("dispatch() is not allowed now (" + phase + ")");
            }
            cancelTimeout();
            dispatchTarget = path;
            if (containerThreadActive) {
                phase = Phase.DISPATCH_PENDING;
                now = false;
            } else {
                phase = Phase.DISPATCHING;
                containerThreadActive = true;
                now = true;
            }
        }
        if (now) {
            submitDispatch();
        }
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        if (context != cycle.context()) {
            throw new IllegalArgumentException("minihttp has a single servlet context");
        }
        dispatch(path);
    }

    private void submitDispatch() {
        Target target;
        ServletRequest req;
        ServletResponse res;
        synchronized (this) {
            target = dispatchTarget;
            req = request;
            res = response;
        }
        try {
            cycle.exchange().workers().execute(withContextLoader(() -> cycle.runAsyncDispatch(target, req, res)));
        } catch (RejectedExecutionException e) {
            log.warn("Async dispatch of {} rejected by the worker pool; closing the exchange", cycle.request(), e);
            synchronized (this) {
                phase = Phase.COMPLETED;
                containerThreadActive = false;
            }
            cycle.response().exchange().abort();
            cycle.finish();
        }
    }

    @Override
    public void complete() {
        synchronized (this) {
            switch (phase) {
                case COMPLETED, COMPLETE_PENDING -> {
                    return;
                }
                case DISPATCH_PENDING -> throw new IllegalStateException("complete() after dispatch()");
                default -> {
                    // STARTED, or during an async dispatch that did not start async again
                }
            }
            cancelTimeout();
            if (containerThreadActive) {
                phase = Phase.COMPLETE_PENDING;
                return;
            }
            phase = Phase.COMPLETED;
        }
        cycle.finish();
    }

    @Override
    public void start(Runnable run) {
        if (run == null) {
            throw new NullPointerException("run");
        }
        cycle.exchange().workers().execute(withContextLoader(() -> {
            try {
                run.run();
            } catch (Throwable t) {
                // Servlet spec 2.3.3.3: onError listeners, then an error dispatch if none of them acted.
                cycle.asyncTaskFailed(t);
            }
        }));
    }

    /** Application code on a worker sees the application's class loader, as in the request dispatch. */
    private Runnable withContextLoader(Runnable task) {
        ClassLoader loader = cycle.context().getClassLoader();
        return () -> {
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            try {
                task.run();
            } finally {
                thread.setContextClassLoader(previous);
            }
        };
    }

    @Override
    public void addListener(AsyncListener listener) {
        addListener(listener, request, response);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        synchronized (this) {
            if (!isStarted()) {
                throw new IllegalStateException("Listeners can only be added while async is started");
            }
        }
        listeners.add(new Registered(listener, servletRequest, servletResponse));
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException("Cannot instantiate " + type.getName(), e);
        }
    }

    @Override
    public synchronized void setTimeout(long timeout) {
        this.timeoutMillis = timeout;
    }

    @Override
    public synchronized long getTimeout() {
        return timeoutMillis;
    }

    // ---- events ----

    private void timeoutDue(int expected) {
        synchronized (this) {
            if (phase != Phase.STARTED || generation != expected || containerThreadActive) {
                return;
            }
            containerThreadActive = true;
        }
        try {
            cycle.exchange().workers().execute(withContextLoader(this::runTimeoutListeners));
        } catch (RejectedExecutionException e) {
            runTimeoutListeners(); // the server is stopping: finish on the timer rather than leak the exchange
        }
    }

    private void runTimeoutListeners() {
        for (Registered registered : listeners) {
            try {
                registered.listener().onTimeout(new AsyncEvent(this, registered.request(), registered.response()));
            } catch (IOException | RuntimeException e) {
                log.warn("AsyncListener.onTimeout failed", e);
            }
        }
        boolean nobodyActed;
        synchronized (this) {
            nobodyActed = phase == Phase.STARTED;
            if (nobodyActed) {
                phase = Phase.COMPLETED;
                containerThreadActive = false;
            }
        }
        if (nobodyActed) {
            // Servlet spec 2.3.3.3: an error dispatch with 500 when no listener completed or dispatched.
            try {
                if (!cycle.response().isCommitted()) {
                    ((HttpServletResponse) cycle.response()).sendError(500, "Async timeout");
                }
            } catch (IOException | IllegalStateException e) {
                log.debug("Could not send the async timeout error", e);
            }
            cycle.finish();
        } else {
            containerDispatchReturned();
        }
    }

    /**
     * After onError listeners ran for an exception that escaped a dispatch: true when none of them
     * completed or dispatched, so the container renders the error and ends the exchange itself.
     */
    synchronized boolean takeOverAfterError() {
        if (phase == Phase.STARTED) {
            phase = Phase.DISPATCHING; // ends when the container thread returns
            return true;
        }
        return phase == Phase.DISPATCHING;
    }

    /**
     * After onError listeners ran for a failed {@code start()} task: true when none of them
     * completed or dispatched and no container thread is busy with the request, so the caller
     * renders the error now. When a container thread is still busy, the error is rendered when it
     * returns.
     */
    synchronized boolean takeOverAfterTaskError(Throwable failure) {
        if (phase != Phase.STARTED) {
            return false;
        }
        cancelTimeout();
        if (containerThreadActive) {
            taskFailure = failure;
            return false;
        }
        phase = Phase.DISPATCHING;
        containerThreadActive = true;
        return true;
    }

    void fireError(Throwable failure) {
        for (Registered registered : listeners) {
            try {
                registered.listener().onError(new AsyncEvent(this, registered.request(), registered.response(), failure));
            } catch (IOException | RuntimeException e) {
                log.warn("AsyncListener.onError failed", e);
            }
        }
    }

    void fireComplete() {
        for (Registered registered : listeners) {
            try {
                registered.listener().onComplete(new AsyncEvent(this, registered.request(), registered.response()));
            } catch (IOException | RuntimeException e) {
                log.warn("AsyncListener.onComplete failed", e);
            }
        }
    }
}
