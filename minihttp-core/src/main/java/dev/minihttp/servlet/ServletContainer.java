package dev.minihttp.servlet;

import dev.minihttp.server.Handler;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Servlet 6.1 container for one web application, to run on a
 * {@link dev.minihttp.server.MiniHttpServer}:
 *
 * <pre>{@code
 * ServletContainer container = new ServletContainer("");
 * container.addInitializer((classes, ctx) -> ctx.addServlet("app", new MyServlet()).addMapping("/"));
 * container.start();
 * MiniHttpServer server = new MiniHttpServer(options, container.handler());
 * }</pre>
 *
 * Configure before {@link #start()}; initializers run at start with the context, then context
 * listeners, then filters and load-on-startup servlets are initialised. No classpath scanning:
 * {@code @HandlesTypes} sets are whatever the caller passes.
 */
public final class ServletContainer {

    private static final Logger log = LoggerFactory.getLogger(ServletContainer.class);

    private record Initializer(ServletContainerInitializer initializer, Set<Class<?>> classes) {
    }

    private final MiniServletContext context;
    private final List<Initializer> initializers = new ArrayList<>();
    private final ServletContainerHandler handler;
    private boolean registerDefaultServlet;
    private volatile boolean started;

    public ServletContainer() {
        this("");
    }

    /** @param contextPath "" for the root context, else e.g. "/app" */
    public ServletContainer(String contextPath) {
        this(contextPath, Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : ServletContainer.class.getClassLoader());
    }

    public ServletContainer(String contextPath, ClassLoader classLoader) {
        this.context = new MiniServletContext(Objects.requireNonNull(contextPath, "contextPath"), classLoader);
        this.handler = new ServletContainerHandler(context);
    }

    /** The servlet context; registrations are accepted until {@link #start()} has finished. */
    public MiniServletContext context() {
        return context;
    }

    /** The engine handler that feeds requests into this container. */
    public Handler handler() {
        return handler;
    }

    /** Runs at start with the context (Spring Boot's ServletContextInitializers come through here). */
    public ServletContainer addInitializer(ServletContainerInitializer initializer) {
        return addInitializer(initializer, null);
    }

    public ServletContainer addInitializer(ServletContainerInitializer initializer, Set<Class<?>> classes) {
        checkNotStarted();
        initializers.add(new Initializer(Objects.requireNonNull(initializer, "initializer"), classes));
        return this;
    }

    /** A directory whose files are resources of the application (getResource, the default servlet). */
    public ServletContainer documentRoot(Path directory) {
        context.documentRoot(directory);
        return this;
    }

    public ServletContainer displayName(String name) {
        context.displayName(name);
        return this;
    }

    public ServletContainer addErrorPage(int status, String location) {
        context.errorPages().add(status, location);
        return this;
    }

    public ServletContainer addErrorPage(Class<? extends Throwable> exceptionType, String location) {
        context.errorPages().add(exceptionType, location);
        return this;
    }

    /** The page for every error without a more specific page (Spring Boot's {@code /error}). */
    public ServletContainer defaultErrorPage(String location) {
        context.errorPages().setGlobal(location);
        return this;
    }

    public ServletContainer addMimeType(String extension, String mimeType) {
        context.mimeTypes().add(extension, mimeType);
        return this;
    }

    /** Trust {@code X-Forwarded-*} from the given proxies; off by default. */
    public ServletContainer forwardedHeaders(ForwardedHeaders forwardedHeaders) {
        context.forwardedHeaders(Objects.requireNonNull(forwardedHeaders, "forwardedHeaders"));
        return this;
    }

    /** The default async timeout ({@code AsyncContext.setTimeout} overrides it); zero or less means none. */
    public ServletContainer asyncTimeout(Duration timeout) {
        context.asyncTimeoutMillis(timeout.toMillis());
        return this;
    }

    /** Idle time after which a session expires, rounded to whole minutes (at least one); zero or negative: never. */
    public ServletContainer sessionTimeout(Duration timeout) {
        context.sessionTimeoutUnchecked(timeout.isZero() || timeout.isNegative()
                ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(timeout.toMinutes(), 1)));
        return this;
    }

    /** How often idle sessions are looked for (default 30 s). */
    public ServletContainer sessionExpiryInterval(Duration interval) {
        checkNotStarted();
        context.sessions().sweepInterval(Math.max(1, interval.toMillis()));
        return this;
    }

    /** Registers a {@link StaticResourceServlet} as "default" on "/" at start when nothing else maps "/". */
    public ServletContainer registerDefaultServlet(boolean register) {
        checkNotStarted();
        this.registerDefaultServlet = register;
        return this;
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("The container has already been started");
        }
    }

    /** Runs the initializers and context listeners and initialises filters and load-on-startup servlets. */
    public synchronized void start() throws ServletException {
        checkNotStarted();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(context.getClassLoader());
        try {
            for (Initializer initializer : initializers) {
                initializer.initializer().onStartup(initializer.classes(), context);
            }
            if (registerDefaultServlet && context.getServletRegistration("default") == null
                    && !context.isMappedToDefault()) {
                context.addServlet("default", new StaticResourceServlet()).addMapping("/");
            }
            context.start();
            started = true;
            log.debug("Servlet context '{}' started", context.getContextPath());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Destroys servlets, filters, sessions and context listeners (in reverse order), and stops the timer. */
    public synchronized void stop() {
        if (started) {
            started = false;
            context.stop();
        }
    }

    public boolean isStarted() {
        return started;
    }
}
