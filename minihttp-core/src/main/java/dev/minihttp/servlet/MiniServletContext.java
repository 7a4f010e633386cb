package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.SessionCookieConfig;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.descriptor.JspConfigDescriptor;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.EventListener;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one web application of a {@link ServletContainer}: registrations, listeners, attributes,
 * resources and the settings requests are served with. Registrations are accepted until the
 * container has started (from initializers and context listeners), as the Servlet spec asks.
 */
public final class MiniServletContext implements ServletContext {

    private static final Logger log = LoggerFactory.getLogger(MiniServletContext.class);
    static final String SERVER_INFO = "minihttp/0.1";

    private final String contextPath;
    private final ClassLoader classLoader;
    private volatile String displayName = "application";
    private final Map<String, String> initParameters = new ConcurrentHashMap<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, ServletHolder> servlets = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, FilterHolder> filters = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<FilterMapping> filterMappings = new CopyOnWriteArrayList<>();
    private final ServletMapper mapper = new ServletMapper();
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final MimeTypes mimeTypes = new MimeTypes();
    private final LocaleCharsets localeCharsets = new LocaleCharsets();
    private final MiniSessionCookieConfig sessionCookieConfig = new MiniSessionCookieConfig(this);
    private final ErrorPages errorPages = new ErrorPages();
    private final SessionStore sessions = new SessionStore(this);
    private volatile Path documentRoot;
    private final EmptyDocumentRoot emptyDocumentRoot = new EmptyDocumentRoot();
    private volatile int sessionTimeoutMinutes = 30;
    private volatile String requestCharacterEncoding;
    private volatile String responseCharacterEncoding;
    private volatile long asyncTimeoutMillis = 30_000;
    private volatile ForwardedHeaders forwardedHeaders = ForwardedHeaders.disabled();
    private volatile boolean allowTrace;
    private volatile java.util.function.Function<jakarta.servlet.http.Cookie, String> cookieSameSite = cookie -> null;
    private volatile boolean started;
    private volatile Set<SessionTrackingMode> sessionTrackingModes = EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
    private volatile boolean tlsSessionTrackingSupported;
    private volatile ContainerTimer timer;

    MiniServletContext(String contextPath, ClassLoader classLoader) {
        if (!contextPath.isEmpty() && (!contextPath.startsWith("/") || contextPath.endsWith("/"))) {
            throw new IllegalArgumentException("Context path must be empty or start but not end with '/': " + contextPath);
        }
        this.contextPath = contextPath;
        this.classLoader = classLoader;
    }

    void checkNotStarted() {
        if (started) {
            throw new IllegalStateException("The servlet context has already been initialised");
        }
    }

    boolean isStarted() {
        return started;
    }

    // ---- lifecycle (driven by ServletContainer) ----

    /** Context listeners, then filters; registrations are closed from here on. */
    void initialize() throws ServletException {
        timer = new ContainerTimer();
        for (EventListener listener : listeners) {
            if (listener instanceof ServletContextListener contextListener) {
                contextListener.contextInitialized(new jakarta.servlet.ServletContextEvent(this));
            }
        }
        started = true;
        try {
            sessions.restore();
        } catch (java.io.IOException e) {
            throw new ServletException("Unable to restore the persisted sessions", e);
        }
        for (FilterHolder holder : filterList()) {
            holder.instance();
        }
        sessions.startExpiry(timer);
    }

    /** Load-on-startup servlets, ascending, equal values in registration order. */
    void loadOnStartup() throws ServletException {
        List<ServletHolder> eager = new ArrayList<>();
        for (ServletHolder holder : servletList()) {
            if (holder.loadOnStartup() >= 0) {
                eager.add(holder);
            }
        }
        eager.sort((a, b) -> Integer.compare(a.loadOnStartup(), b.loadOnStartup()));
        for (ServletHolder holder : eager) {
            holder.instance();
        }
    }

    void stop() {
        sessions.stop();
        List<ServletHolder> servletsToStop = servletList();
        Collections.reverse(servletsToStop);
        servletsToStop.forEach(ServletHolder::destroy);
        List<FilterHolder> filtersToStop = filterList();
        Collections.reverse(filtersToStop);
        filtersToStop.forEach(FilterHolder::destroy);
        List<EventListener> reversed = new ArrayList<>(listeners);
        Collections.reverse(reversed);
        for (EventListener listener : reversed) {
            if (listener instanceof ServletContextListener contextListener) {
                try {
                    contextListener.contextDestroyed(new jakarta.servlet.ServletContextEvent(this));
                } catch (RuntimeException e) {
                    log.warn("Context listener {} failed on destroy", listener, e);
                }
            }
        }
        ContainerTimer current = timer;
        if (current != null) {
            current.stop();
        }
        emptyDocumentRoot.delete();
    }

    private List<ServletHolder> servletList() {
        synchronized (servlets) {
            return new ArrayList<>(servlets.values());
        }
    }

    private List<FilterHolder> filterList() {
        synchronized (filters) {
            return new ArrayList<>(filters.values());
        }
    }

    // ---- what the request side needs ----

    ServletMatch match(String path) {
        return mapper.match(path);
    }

    boolean isMappedToDefault() {
        return mapper.hasDefault();
    }

    ServletHolder servletHolder(String name) {
        return servlets.get(name);
    }

    List<FilterMapping> filterMappings() {
        return filterMappings;
    }

    void addFilterMapping(FilterMapping mapping) {
        filterMappings.add(mapping);
    }

    Set<String> mapServlet(ServletHolder holder, String... patterns) {
        synchronized (mapper) {
            Set<String> conflicts = new LinkedHashSet<>();
            for (String pattern : patterns) {
                ServletHolder existing = mapper.holderOf(pattern);
                if (existing != null && existing != holder) {
                    conflicts.add(pattern);
                }
            }
            if (conflicts.isEmpty()) {
                for (String pattern : patterns) {
                    mapper.add(pattern, holder);
                    holder.addMappingUnchecked(pattern);
                }
            }
            return conflicts;
        }
    }

    ErrorPages errorPages() {
        return errorPages;
    }

    SessionStore sessions() {
        return sessions;
    }

    ContainerTimer timer() {
        return timer;
    }

    MimeTypes mimeTypes() {
        return mimeTypes;
    }

    LocaleCharsets localeCharsets() {
        return localeCharsets;
    }

    long asyncTimeoutMillis() {
        return asyncTimeoutMillis;
    }

    void asyncTimeoutMillis(long millis) {
        this.asyncTimeoutMillis = millis;
    }

    /** The SameSite value for a cookie that has none of its own, or null to leave it out. */
    String sameSiteFor(jakarta.servlet.http.Cookie cookie) {
        return cookieSameSite.apply(cookie);
    }

    void cookieSameSite(java.util.function.Function<jakarta.servlet.http.Cookie, String> cookieSameSite) {
        this.cookieSameSite = cookieSameSite;
    }

    ForwardedHeaders forwardedHeaders() {
        return forwardedHeaders;
    }

    void forwardedHeaders(ForwardedHeaders forwardedHeaders) {
        this.forwardedHeaders = forwardedHeaders;
    }

    boolean allowTrace() {
        return allowTrace;
    }

    void allowTrace(boolean allowTrace) {
        this.allowTrace = allowTrace;
    }

    void documentRoot(Path documentRoot) {
        this.documentRoot = documentRoot == null ? null : documentRoot.toAbsolutePath().normalize();
    }

    void displayName(String name) {
        this.displayName = name;
    }

    <T extends EventListener> List<T> listeners(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (EventListener listener : listeners) {
            if (type.isInstance(listener)) {
                found.add(type.cast(listener));
            }
        }
        return found;
    }

    // ---- ServletContext ----

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public ServletContext getContext(String uripath) {
        return uripath != null && (uripath.equals(contextPath) || uripath.startsWith(contextPath + "/")) ? this : null;
    }

    @Override
    public int getMajorVersion() {
        return 6;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    @Override
    public int getEffectiveMajorVersion() {
        return 6;
    }

    @Override
    public int getEffectiveMinorVersion() {
        return 1;
    }

    @Override
    public String getMimeType(String file) {
        return mimeTypes.forFile(file);
    }

    @Override
    public Set<String> getResourcePaths(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        Path dir = resolveInDocumentRoot(path);
        if (dir == null || !Files.isDirectory(dir)) {
            return null;
        }
        String base = path.endsWith("/") ? path : path + "/";
        Set<String> result = new LinkedHashSet<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.sorted().forEach(child -> result.add(base + child.getFileName() + (Files.isDirectory(child) ? "/" : "")));
        } catch (IOException e) {
            return null;
        }
        return result.isEmpty() ? null : result; // the Javadoc's answer when no resource is below the path
    }

    // Resources come from the document root first, then from META-INF/resources of every jar.
    @Override
    public URL getResource(String path) throws MalformedURLException {
        if (path == null || !path.startsWith("/")) {
            throw new MalformedURLException("Resource path must start with '/': " + path);
        }
        String normalized;
        try {
            normalized = RequestPath.decode(path.replace("%", "%25"));
        } catch (IllegalArgumentException e) {
            return null;
        }
        Path file = resolveInDocumentRoot(normalized);
        if (file != null && Files.exists(file)) {
            return file.toUri().toURL();
        }
        return classLoader.getResource("META-INF/resources" + normalized);
    }

    private Path resolveInDocumentRoot(String path) {
        Path root = documentRoot;
        if (root == null) {
            root = emptyDocumentRoot.path();
        }
        if (root == null) {
            return null;
        }
        Path resolved = root.resolve(path.substring(1)).normalize();
        return resolved.startsWith(root) ? resolved : null;
    }

    @Override
    public InputStream getResourceAsStream(String path) {
        try {
            URL url = getResource(path);
            if (url == null || (url.getProtocol().equals("file") && Files.isDirectory(Path.of(url.toURI())))) {
                return null;
            }
            return url.openStream();
        } catch (IOException | java.net.URISyntaxException e) {
            return null;
        }
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        return MiniRequestDispatcher.forPath(this, path);
    }

    @Override
    public RequestDispatcher getNamedDispatcher(String name) {
        ServletHolder holder = name == null ? null : servlets.get(name);
        return holder == null ? null : MiniRequestDispatcher.forServlet(this, holder);
    }

    @Override
    public void log(String msg) {
        log.info(msg);
    }

    @Override
    public void log(String message, Throwable throwable) {
        log.error(message, throwable);
    }

    @Override
    public String getRealPath(String path) {
        if (path == null) {
            return null;
        }
        Path file = resolveInDocumentRoot(path.startsWith("/") ? path : "/" + path);
        return file == null ? null : file.toString();
    }

    @Override
    public String getServerInfo() {
        return SERVER_INFO;
    }

    @Override
    public String getInitParameter(String name) {
        return initParameters.get(name);
    }

    @Override
    public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(new ArrayList<>(initParameters.keySet()));
    }

    @Override
    public boolean setInitParameter(String name, String value) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        checkNotStarted();
        return initParameters.putIfAbsent(name, value) == null;
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public void setAttribute(String name, Object object) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        if (object == null) {
            removeAttribute(name);
            return;
        }
        Object old = attributes.put(name, object);
        for (ServletContextAttributeListener listener : listeners(ServletContextAttributeListener.class)) {
            if (old == null) {
                listener.attributeAdded(new ServletContextAttributeEvent(this, name, object));
            } else {
                listener.attributeReplaced(new ServletContextAttributeEvent(this, name, old));
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        Object old = attributes.remove(name);
        if (old != null) {
            for (ServletContextAttributeListener listener : listeners(ServletContextAttributeListener.class)) {
                listener.attributeRemoved(new ServletContextAttributeEvent(this, name, old));
            }
        }
    }

    @Override
    public String getServletContextName() {
        return displayName;
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, String className) {
        return addServlet(servletName, loadClass(className, Servlet.class));
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Servlet servlet) {
        checkName(servletName);
        checkNotStarted();
        synchronized (servlets) {
            if (servlets.containsKey(servletName)) {
                return null;
            }
            ServletHolder holder = new ServletHolder(this, servletName, servlet);
            servlets.put(servletName, holder);
            return holder;
        }
    }

    @Override
    public ServletRegistration.Dynamic addServlet(String servletName, Class<? extends Servlet> servletClass) {
        checkName(servletName);
        checkNotStarted();
        synchronized (servlets) {
            if (servlets.containsKey(servletName)) {
                return null;
            }
            ServletHolder holder = new ServletHolder(this, servletName, servletClass);
            servlets.put(servletName, holder);
            return holder;
        }
    }

    @Override
    public ServletRegistration.Dynamic addJspFile(String servletName, String jspFile) {
        throw new UnsupportedOperationException("JSP is not supported by minihttp");
    }

    @Override
    public <T extends Servlet> T createServlet(Class<T> clazz) throws ServletException {
        return instantiate(clazz);
    }

    @Override
    public ServletRegistration getServletRegistration(String servletName) {
        return servlets.get(servletName);
    }

    @Override
    public Map<String, ? extends ServletRegistration> getServletRegistrations() {
        synchronized (servlets) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(servlets));
        }
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, String className) {
        return addFilter(filterName, loadClass(className, Filter.class));
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Filter filter) {
        checkName(filterName);
        checkNotStarted();
        synchronized (filters) {
            if (filters.containsKey(filterName)) {
                return null;
            }
            FilterHolder holder = new FilterHolder(this, filterName, filter);
            filters.put(filterName, holder);
            return holder;
        }
    }

    @Override
    public FilterRegistration.Dynamic addFilter(String filterName, Class<? extends Filter> filterClass) {
        checkName(filterName);
        checkNotStarted();
        synchronized (filters) {
            if (filters.containsKey(filterName)) {
                return null;
            }
            FilterHolder holder = new FilterHolder(this, filterName, filterClass);
            filters.put(filterName, holder);
            return holder;
        }
    }

    @Override
    public <T extends Filter> T createFilter(Class<T> clazz) throws ServletException {
        return instantiate(clazz);
    }

    @Override
    public FilterRegistration getFilterRegistration(String filterName) {
        return filters.get(filterName);
    }

    @Override
    public Map<String, ? extends FilterRegistration> getFilterRegistrations() {
        synchronized (filters) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(filters));
        }
    }

    @Override
    public SessionCookieConfig getSessionCookieConfig() {
        return sessionCookieConfig;
    }

    @Override
    public void setSessionTrackingModes(Set<SessionTrackingMode> modes) {
        checkNotStarted();
        if (modes.contains(SessionTrackingMode.SSL)) {
            // Tomcat's rules: SSL is a supported mode only when the container is served over TLS,
            // and it cannot be combined with the others (the session id IS the TLS session's).
            if (!tlsSessionTrackingSupported) {
                throw new IllegalArgumentException("SSL session tracking is not supported: no TLS listener serves this context");
            }
            if (modes.size() > 1) {
                throw new IllegalArgumentException("SSL session tracking cannot be combined with other modes, got " + modes);
            }
        }
        sessionTrackingModes = modes.isEmpty() ? EnumSet.noneOf(SessionTrackingMode.class) : EnumSet.copyOf(modes);
    }

    /** Cookie and URL, as on Tomcat; SSL is never a default, only a choice where TLS serves the context. */
    @Override
    public Set<SessionTrackingMode> getDefaultSessionTrackingModes() {
        return EnumSet.of(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
    }

    @Override
    public Set<SessionTrackingMode> getEffectiveSessionTrackingModes() {
        return EnumSet.copyOf(sessionTrackingModes.isEmpty() ? EnumSet.noneOf(SessionTrackingMode.class) : sessionTrackingModes);
    }

    /** Set by the container before start: a TLS listener serves this context, so SSL tracking is supported. */
    void tlsSessionTrackingSupported(boolean supported) {
        this.tlsSessionTrackingSupported = supported;
    }

    /** Whether sessions are tracked by the TLS session id (the only mode then). */
    boolean sslSessions() {
        return sessionTrackingModes.contains(SessionTrackingMode.SSL);
    }

    boolean cookieSessions() {
        return sessionTrackingModes.contains(SessionTrackingMode.COOKIE);
    }

    boolean urlSessions() {
        return sessionTrackingModes.contains(SessionTrackingMode.URL);
    }

    @Override
    public void addListener(String className) {
        addListener(loadClass(className, EventListener.class));
    }

    @Override
    public <T extends EventListener> void addListener(T listener) {
        checkNotStarted();
        if (!(listener instanceof ServletContextListener || listener instanceof ServletContextAttributeListener
                || listener instanceof ServletRequestListener || listener instanceof ServletRequestAttributeListener
                || listener instanceof HttpSessionListener || listener instanceof HttpSessionAttributeListener
                || listener instanceof HttpSessionIdListener)) {
            throw new IllegalArgumentException("Unsupported listener type: " + listener.getClass().getName());
        }
        listeners.add(listener);
    }

    @Override
    public void addListener(Class<? extends EventListener> listenerClass) {
        try {
            addListener(createListener(listenerClass));
        } catch (ServletException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public <T extends EventListener> T createListener(Class<T> clazz) throws ServletException {
        return instantiate(clazz);
    }

    @Override
    public JspConfigDescriptor getJspConfigDescriptor() {
        return null;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public void declareRoles(String... roleNames) {
        checkNotStarted();
    }

    @Override
    public String getVirtualServerName() {
        return "minihttp";
    }

    @Override
    public int getSessionTimeout() {
        return sessionTimeoutMinutes;
    }

    @Override
    public void setSessionTimeout(int sessionTimeout) {
        checkNotStarted();
        this.sessionTimeoutMinutes = sessionTimeout;
    }

    void sessionTimeoutUnchecked(int minutes) {
        this.sessionTimeoutMinutes = minutes;
    }

    @Override
    public String getRequestCharacterEncoding() {
        return requestCharacterEncoding;
    }

    @Override
    public void setRequestCharacterEncoding(String encoding) {
        checkNotStarted();
        this.requestCharacterEncoding = encoding;
    }

    @Override
    public String getResponseCharacterEncoding() {
        return responseCharacterEncoding;
    }

    @Override
    public void setResponseCharacterEncoding(String encoding) {
        checkNotStarted();
        this.responseCharacterEncoding = encoding;
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Name must not be empty");
        }
    }

    private <T> Class<? extends T> loadClass(String className, Class<T> type) {
        try {
            return Class.forName(className, false, classLoader).asSubclass(type);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IllegalArgumentException("Cannot load " + type.getSimpleName() + " class " + className, e);
        }
    }

    static <T> T instantiate(Class<T> type) throws ServletException {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException("Cannot instantiate " + type.getName(), e);
        }
    }

}
