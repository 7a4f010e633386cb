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
 * listeners, then filters and load-on-startup servlets are initialised. Start can also be done in
 * two steps, {@link #initialize()} (initializers, listeners, filters) and later {@link #start()}
 * (load-on-startup servlets), as Spring Boot expects of a web server. No classpath scanning:
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
    private volatile boolean initialized;
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

    /** The servlet context; registrations are accepted until {@link #initialize()} has finished. */
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
        checkNotInitialized();
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

    /** Adds to (or overrides an entry of) the MIME table, which starts with built-in defaults. */
    public ServletContainer addMimeType(String extension, String mimeType) {
        context.mimeTypes().add(extension, mimeType);
        return this;
    }

    /**
     * The whole MIME table (extension without the dot to type): replaces the built-in defaults and
     * earlier additions, so that {@code getMimeType} knows these mappings and no others.
     */
    public ServletContainer mimeTypes(java.util.Map<String, String> mappings) {
        context.mimeTypes().replaceAll(Objects.requireNonNull(mappings, "mappings"));
        return this;
    }

    /**
     * The character encoding {@code ServletResponse.setLocale(locale)} gives a response whose
     * encoding was not set explicitly (as a {@code web.xml} {@code locale-encoding-mapping}; Spring
     * Boot's {@code server.servlet.encoding.mapping}). A mapping for a language ("de") also serves
     * its countries ("de_CH") unless they have their own. None by default.
     */
    public ServletContainer addLocaleCharsetMapping(java.util.Locale locale, java.nio.charset.Charset charset) {
        context.localeCharsets().add(Objects.requireNonNull(locale, "locale"), Objects.requireNonNull(charset, "charset"));
        return this;
    }

    /** Trust {@code X-Forwarded-*} from the given proxies; off by default. */
    public ServletContainer forwardedHeaders(ForwardedHeaders forwardedHeaders) {
        context.forwardedHeaders(Objects.requireNonNull(forwardedHeaders, "forwardedHeaders"));
        return this;
    }

    /**
     * Chooses the {@code SameSite} attribute of every cookie the application sets (and of the
     * session cookie) that has none of its own: called with the cookie when its {@code Set-Cookie}
     * header is written, it returns e.g. "Lax", "Strict" or "None", or null to leave the attribute
     * out. An explicit attribute ({@code cookie.setAttribute("SameSite", ...)}, the session cookie
     * config's) always wins. Spring Boot's {@code CookieSameSiteSupplier} beans arrive here.
     */
    public ServletContainer cookieSameSite(java.util.function.Function<jakarta.servlet.http.Cookie, String> sameSite) {
        context.cookieSameSite(Objects.requireNonNull(sameSite, "sameSite"));
        return this;
    }

    /**
     * Whether {@code TRACE} requests reach the application. Off by default, as on Tomcat
     * ({@code allowTrace=false}) and Jetty: a TRACE echoes the request's headers (credentials,
     * API keys) back, so the container answers it with 405 and an {@code Allow} header before any
     * filter or servlet runs (the error page renders it). {@code OPTIONS *} lists TRACE only when on.
     */
    public ServletContainer allowTrace(boolean allowTrace) {
        context.allowTrace(allowTrace);
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
        checkNotInitialized();
        context.sessions().sweepInterval(Math.max(1, interval.toMillis()));
        return this;
    }

    /** The session cookie's name: the one the application configured, else {@code JSESSIONID}. */
    public String sessionCookieName() {
        return ((MiniSessionCookieConfig) context.getSessionCookieConfig()).effectiveName();
    }

    /**
     * Keeps sessions across a stop and the next start, in {@code file} (Tomcat's
     * {@code SESSIONS.ser}): written on {@link #stop()}, read back (and deleted) on
     * {@link #initialize()}. Attributes that are not {@code Serializable} are left out with a
     * warning; sessions that expired meanwhile are not restored.
     */
    public ServletContainer persistentSessions(Path file) {
        checkNotInitialized();
        context.sessions().persistTo(new SessionFile(file));
        return this;
    }

    /**
     * Tells the container that a TLS listener serves it, which makes {@code SessionTrackingMode.SSL}
     * a mode the application may choose (as Tomcat does when a connector has TLS on).
     */
    public ServletContainer servedOverTls(boolean overTls) {
        checkNotInitialized();
        context.tlsSessionTrackingSupported(overTls);
        return this;
    }

    /** Registers a {@link StaticResourceServlet} as "default" on "/" at start when nothing else maps "/". */
    public ServletContainer registerDefaultServlet(boolean register) {
        checkNotInitialized();
        this.registerDefaultServlet = register;
        return this;
    }

    private void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("The container has already been started");
        }
    }

    private void checkNotInitialized() {
        if (initialized) {
            throw new IllegalStateException("The container has already been initialised");
        }
    }

    /**
     * Both phases: {@link #initialize()} unless done already, then the load-on-startup servlets.
     * An embedder that needs the {@code ServletContext} before it accepts traffic (Spring Boot
     * does: initializers run while the application context refreshes, servlets are loaded when the
     * web server starts) calls {@link #initialize()} first and this later.
     */
    public synchronized void start() throws ServletException {
        checkNotStarted();
        if (!initialized) {
            initialize();
        }
        withContextClassLoader(context::loadOnStartup);
        started = true;
        log.debug("Servlet context '{}' started", context.getContextPath());
    }

    /**
     * Runs the initializers, then the context listeners, and initialises the filters; registrations
     * are closed from here on. Load-on-startup servlets wait for {@link #start()}; a request that
     * arrives in between initialises the servlet it needs, as one mapped without load-on-startup.
     */
    public synchronized void initialize() throws ServletException {
        if (initialized) {
            throw new IllegalStateException("The container has already been initialised");
        }
        initialized = true;
        withContextClassLoader(() -> {
            for (Initializer initializer : initializers) {
                initializer.initializer().onStartup(initializer.classes(), context);
            }
            if (registerDefaultServlet && context.getServletRegistration("default") == null
                    && !context.isMappedToDefault()) {
                context.addServlet("default", new StaticResourceServlet()).addMapping("/");
            }
            context.initialize();
        });
    }

    private interface ContextTask {
        void run() throws ServletException;
    }

    private void withContextClassLoader(ContextTask task) throws ServletException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(context.getClassLoader());
        try {
            task.run();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Destroys servlets, filters, sessions and context listeners (in reverse order), and stops the timer. */
    public synchronized void stop() {
        if (initialized) {
            initialized = false;
            started = false;
            context.stop();
        }
    }

    /** Whether {@link #initialize()} has run (and {@link #stop()} has not). */
    public boolean isInitialized() {
        return initialized;
    }

    /** Whether {@link #start()} has run (and {@link #stop()} has not): load-on-startup servlets are initialised. */
    public boolean isStarted() {
        return started;
    }
}
