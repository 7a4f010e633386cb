package dev.minihttp.boot;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import dev.minihttp.boot.ssl.ServerSslTls;
import dev.minihttp.server.Handler;
import dev.minihttp.server.ListenerOptions;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.tls.TlsOptions;
import dev.minihttp.servlet.ForwardedHeaders;
import dev.minihttp.servlet.ServletContainer;
import jakarta.servlet.ServletException;
import java.io.File;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.web.error.ErrorPage;
import org.springframework.boot.web.server.AbstractConfigurableWebServerFactory;
import org.springframework.boot.web.server.Compression;
import org.springframework.boot.web.server.Cookie.SameSite;
import org.springframework.boot.web.server.MimeMappings;
import org.springframework.boot.web.server.Shutdown;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.boot.web.server.servlet.ServletContextInitializers;
import org.springframework.boot.web.server.servlet.ServletWebServerSettings;
import org.springframework.boot.web.server.servlet.Session;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.util.ClassUtils;
import dev.minihttp.boot.websocket.TyrusWebSockets;
import dev.minihttp.boot.websocket.WebSocketStats;

/**
 * Creates a {@link MiniHttpWebServer}: a minihttp {@link ServletContainer} initialised with the
 * application's {@link ServletContextInitializer}s, served by the minihttp engine.
 *
 * <p>The generic settings ({@code server.*}) arrive through the setters Boot's customizers call;
 * the engine's own ({@code minihttp.*}) through {@link #setServerOptions(ServerOptions)}, whose
 * host, port and server header are overridden by the generic ones.
 */
public class MiniHttpServletWebServerFactory extends AbstractConfigurableWebServerFactory
        implements ConfigurableServletWebServerFactory {

    private final ServletWebServerSettings settings = new ServletWebServerSettings();
    private ServerOptions serverOptions = ServerOptions.builder().build();
    private boolean accessLogEnabled;
    private boolean allowTrace;
    private boolean webSocketEnabled = true;
    private int webSocketMaxMessageSize = 1024 * 1024;
    private boolean useForwardHeaders;
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    private final List<ListenerOptions> additionalListeners = new ArrayList<>();

    public MiniHttpServletWebServerFactory() {
    }

    public MiniHttpServletWebServerFactory(int port) {
        super(port);
    }

    @Override
    public ServletWebServerSettings getSettings() {
        return settings;
    }

    public ServerOptions getServerOptions() {
        return serverOptions;
    }

    public void setServerOptions(ServerOptions serverOptions) {
        this.serverOptions = serverOptions;
    }

    public boolean isAccessLogEnabled() {
        return accessLogEnabled;
    }

    public void setAccessLogEnabled(boolean accessLogEnabled) {
        this.accessLogEnabled = accessLogEnabled;
    }

    /** Whether TRACE requests reach the application (minihttp.allow-trace); refused with 405 by default. */
    /**
     * Jakarta WebSocket (Eclipse Tyrus, when on the classpath): on or off, and the largest message
     * a session accepts (a larger one closes it with 1009).
     */
    public void setWebSocket(boolean enabled, int maxMessageSize) {
        this.webSocketEnabled = enabled;
        this.webSocketMaxMessageSize = maxMessageSize;
    }

    public void setAllowTrace(boolean allowTrace) {
        this.allowTrace = allowTrace;
    }

    /** Trust {@code X-Forwarded-*} from proxies on internal addresses (server.forward-headers-strategy=native). */
    public void setUseForwardHeaders(boolean useForwardHeaders) {
        this.useForwardHeaders = useForwardHeaders;
    }

    /** How long a graceful shutdown may take (spring.lifecycle.timeout-per-shutdown-phase). */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /**
     * More addresses served beside the main port by the same threads, pool, limits and metrics
     * (what Tomcat calls additional connectors). Names must be unique and not "main".
     */
    public void addAdditionalListeners(ListenerOptions... listeners) {
        additionalListeners.addAll(Arrays.asList(listeners));
    }

    public List<ListenerOptions> getAdditionalListeners() {
        return List.copyOf(additionalListeners);
    }

    /**
     * Sets up the servlet context now (initializers, listeners, filters), as Tomcat and Jetty do:
     * Boot needs the {@code ServletContext} while it refreshes the application context. The port
     * is bound, and load-on-startup servlets initialised, by {@link MiniHttpWebServer#start()}.
     */
    @Override
    public WebServer getWebServer(ServletContextInitializer... initializers) {
        // Key material first: a bad key store fails startup before any application code ran.
        ServerSslTls ssl = Ssl.isEnabled(getSsl()) ? new ServerSslTls(getSsl(), getSslBundles()) : null;
        TlsOptions tls = ssl != null ? ssl.load() : null;
        WebSocketStats webSockets = webSocketEnabled && ClassUtils.isPresent(TyrusWebSockets.TYRUS_CLASS,
                null) ? new WebSocketStats() : null;
        ServletContainer container = createContainer(initializers, webSockets);
        container.servedOverTls(tls != null);
        try {
            container.initialize();
        } catch (ServletException | RuntimeException e) {
            container.stop();
            throw new WebServerException("Unable to initialise the minihttp servlet container", e);
        }
        ServerOptions options = engineOptions(tls);
        MiniHttpWebServer[] holder = new MiniHttpWebServer[1];
        Handler handler = new ExceptionReports(container.handler(), () -> holder[0].exceptionReported());
        handler = new SaturationWarnings(handler, () -> holder[0].stats());
        Compression compression = getCompression();
        if (compression != null && compression.getEnabled()) {
            handler = new CompressionHandler(handler, compression);
        }
        if (accessLogEnabled) {
            handler = new AccessLogHandler(handler);
        }
        holder[0] = new MiniHttpWebServer(container, options, getPort() >= 0, handler,
                getShutdown() == Shutdown.GRACEFUL ? shutdownTimeout : null);
        holder[0].webSocketStats(webSockets);
        if (ssl != null) {
            MiniHttpWebServer webServer = holder[0];
            ssl.onBundleUpdate(() -> webServer.reloadTls(ssl::load));
        }
        return holder[0];
    }

    private ServerOptions engineOptions(TlsOptions tls) {
        InetAddress address = getAddress();
        List<ListenerOptions> listeners = new ArrayList<>(serverOptions.additionalListeners());
        listeners.addAll(additionalListeners);
        return serverOptions.toBuilder()
                .host(address != null ? address.getHostAddress() : "0.0.0.0")
                .port(Math.max(getPort(), 0))
                .tls(tls)
                .additionalListeners(listeners)
                .serverHeader(getServerHeader())
                .reservedPaths(underContextPath(serverOptions.reservedPaths()))
                // server.http2.enabled: h2 by ALPN on TLS listeners, h2c (prior knowledge, Upgrade) on cleartext ones
                .http2(serverOptions.http2().withEnabled(getHttp2() != null && getHttp2().isEnabled()))
                .build();
    }

    /**
     * The reserved lane matches the raw request path, which starts with the context path; the
     * paths are configured within the application, as Boot's management paths are.
     */
    private List<String> underContextPath(List<String> paths) {
        String contextPath = settings.getContextPath().toString();
        if (contextPath.isEmpty()) {
            return paths;
        }
        List<String> prefixed = new ArrayList<>();
        for (String path : paths) {
            prefixed.add(path.equals("/**") ? contextPath + "/**" : contextPath + path);
        }
        return prefixed;
    }

    private ServletContainer createContainer(ServletContextInitializer[] initializers, WebSocketStats webSockets) {
        ClassLoader classLoader = Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader() : getClass().getClassLoader();
        ServletContainer container = new ServletContainer(settings.getContextPath().toString(), classLoader);
        if (settings.getDisplayName() != null) {
            container.displayName(settings.getDisplayName());
        }
        if (settings.getDocumentRoot() != null) {
            container.documentRoot(settings.getDocumentRoot().toPath());
        }
        container.registerDefaultServlet(settings.isRegisterDefaultServlet());
        container.allowTrace(allowTrace);
        // Boot's mappings are the whole table, as on Tomcat: one the application removed is gone.
        Map<String, String> mimeTypes = new LinkedHashMap<>();
        for (MimeMappings.Mapping mapping : settings.getMimeMappings()) {
            mimeTypes.put(mapping.getExtension(), mapping.getMimeType());
        }
        container.mimeTypes(mimeTypes);
        // The charset response.setLocale(...) picks. Boot's Tomcat factory maps en, fr and ja to UTF-8
        // (Tomcat's own defaults are ISO-8859-1 and Shift_JIS); the default server is the one users
        // compare with. Then server.servlet.encoding.mapping, which may override those three.
        for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH, Locale.JAPANESE)) {
            container.addLocaleCharsetMapping(locale, StandardCharsets.UTF_8);
        }
        settings.getLocaleCharsetMappings().forEach(container::addLocaleCharsetMapping);
        configureSessions(container);
        for (ErrorPage page : getErrorPages()) {
            if (page.isGlobal()) {
                container.defaultErrorPage(page.getPath());
            } else if (page.getException() != null) {
                container.addErrorPage(page.getException(), page.getPath());
            } else {
                container.addErrorPage(page.getStatusCode(), page.getPath());
            }
        }
        if (useForwardHeaders) {
            container.forwardedHeaders(ForwardedHeaders.fromInternalProxies());
        }
        container.cookieSameSite(sameSiteFor(container));
        if (webSockets != null) {
            // Before the application's initializers: the ServerContainer attribute is there when Spring looks.
            container.addInitializer(WebSocketSupport.initializer(webSocketMaxMessageSize, webSockets));
        }
        container.addInitializer((classes, context) -> {
            for (ServletContextInitializer initializer : ServletContextInitializers.from(settings, initializers)) {
                initializer.onStartup(context);
            }
            for (String listener : settings.getWebListenerClassNames()) {
                context.addListener(listener);
            }
        });
        return container;
    }

    /**
     * server.servlet.session.*: the timeout, and persistence in {@code SESSIONS.ser} in the store
     * directory (Boot's application temp "servlet-sessions" when unset), as Boot's Tomcat factory
     * does. Tracking modes arrive through Boot's session initializer; SSL tracking needs the main
     * listener to speak TLS (server.ssl), so without it startup fails here, naming the property.
     */
    private void configureSessions(ServletContainer container) {
        Session session = settings.getSession();
        if (session.getTimeout() != null) {
            container.sessionTimeout(session.getTimeout());
        }
        if (session.getTrackingModes() != null && session.getTrackingModes().contains(Session.SessionTrackingMode.SSL)
                && !Ssl.isEnabled(getSsl())) {
            throw new WebServerException("server.servlet.session.tracking-modes=ssl needs TLS on the main port "
                    + "(server.ssl.enabled=true with key material)", null);
        }
        if (session.isPersistent()) {
            File directory;
            try {
                directory = session.getSessionStoreDirectory().getValidDirectory(true);
            } catch (IllegalStateException e) {
                throw new WebServerException("server.servlet.session.store-dir is unusable for "
                        + "server.servlet.session.persistent=true: " + e.getMessage(), e);
            }
            container.persistentSessions(new File(directory, "SESSIONS.ser").toPath());
        }
    }

    /**
     * SameSite for every cookie without its own, as Tomcat's factory does it: the session cookie
     * gets {@code server.servlet.session.cookie.same-site} first, then the app's
     * {@code CookieSameSiteSupplier} beans are asked in order; the first answer wins (OMITTED
     * included, which leaves the attribute out). Boot's shared session initializer sets every
     * other session cookie attribute itself.
     */
    private java.util.function.Function<jakarta.servlet.http.Cookie, String> sameSiteFor(ServletContainer container) {
        List<CookieSameSiteSupplier> suppliers = new ArrayList<>();
        SameSite sessionSameSite = settings.getSession().getCookie().getSameSite();
        if (sessionSameSite != null) {
            suppliers.add(CookieSameSiteSupplier.of(sessionSameSite)
                    .whenHasName(container::sessionCookieName));
        }
        suppliers.addAll(settings.getCookieSameSiteSuppliers());
        if (suppliers.isEmpty()) {
            return cookie -> null;
        }
        return cookie -> {
            for (CookieSameSiteSupplier supplier : suppliers) {
                SameSite sameSite = supplier.getSameSite(cookie);
                if (sameSite != null) {
                    return sameSite.attributeValue();
                }
            }
            return null;
        };
    }

    /** Touches Tyrus's classes only when they are there (the app may have excluded Tyrus). */
    private static final class WebSocketSupport {
        static jakarta.servlet.ServletContainerInitializer initializer(int maxMessageSize, WebSocketStats stats) {
            return new TyrusWebSockets(maxMessageSize, stats);
        }
    }
}
