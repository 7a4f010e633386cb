package dev.minihttp.servlet;

import dev.minihttp.http.HttpDate;
import dev.minihttp.server.Request;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletConnection;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.Part;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container's {@link HttpServletRequest} over one engine {@link Request}. The dispatch
 * state (paths, type, parameter overlay) is swapped by forward, include, error and async
 * dispatches and restored afterwards, so a servlet always sees the view its dispatch defines.
 */
final class MiniHttpServletRequest implements HttpServletRequest {

    private static final Logger log = LoggerFactory.getLogger(MiniHttpServletRequest.class);

    private enum BodyUse { NONE, STREAM, READER }

    private final MiniServletContext context;
    private final Request exchange;
    private final RequestCycle cycle;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final String scheme;
    private final String serverName;
    private final int serverPort;
    private final String remoteAddr;
    private final int remotePort;

    private volatile DispatchState state;
    private volatile boolean asyncSupported = true;
    private volatile ServletHolder currentServlet;
    private Map<String, List<String>> parameters;
    private String characterEncoding;
    private BodyUse bodyUse = BodyUse.NONE;
    private ServletInputStream inputStream;
    private BufferedReader reader;
    private List<Cookie> cookies;
    private List<Locale> locales;
    private MiniSession session;
    private String requestedSessionId;
    private boolean requestedSessionIdParsed;
    private boolean requestedSessionIdFromCookie;
    private boolean requestedSessionIdFromURL;
    private List<Part> parts;
    private RuntimeException partsFailure;

    MiniHttpServletRequest(MiniServletContext context, Request exchange, RequestCycle cycle) {
        this.context = context;
        this.exchange = exchange;
        this.cycle = cycle;
        InetSocketAddress remote = exchange.remoteAddress();
        String peer = remote == null ? null : remote.getAddress().getHostAddress();
        int peerPort = remote == null ? -1 : remote.getPort();
        String hostHeader = exchange.host();
        String forwardedScheme = null;
        String forwardedHost = null;
        String forwardedPort = null;
        ForwardedHeaders forwarding = context.forwardedHeaders();
        if (forwarding.trusts(peer)) {
            String forwardedFor = exchange.header("X-Forwarded-For");
            String client = clientOf(forwardedFor, forwarding);
            if (client != null) {
                peer = client;
                peerPort = -1;
            }
            forwardedScheme = schemeOf(exchange.header("X-Forwarded-Proto"));
            forwardedHost = firstOf(exchange.header("X-Forwarded-Host"));
            forwardedPort = firstOf(exchange.header("X-Forwarded-Port"));
        }
        this.remoteAddr = peer;
        this.remotePort = peerPort;
        // The listener's own view unless a trusted proxy says otherwise (TLS terminated in front).
        this.scheme = forwardedScheme != null ? forwardedScheme : exchange.isSecure() ? "https" : "http";
        String authority = forwardedHost != null ? forwardedHost : hostHeader;
        InetSocketAddress local = exchange.localAddress();
        String name;
        int port;
        if (authority == null || authority.isEmpty()) {
            name = local == null ? "localhost" : local.getAddress().getHostAddress();
            port = local == null ? defaultPort(scheme) : local.getPort();
        } else {
            int colon = authority.lastIndexOf(':');
            int bracket = authority.lastIndexOf(']');
            if (colon > bracket && colon >= 0) {
                name = authority.substring(0, colon);
                port = parsePort(authority.substring(colon + 1), defaultPort(scheme));
            } else {
                name = authority;
                port = defaultPort(scheme);
            }
        }
        if (forwardedPort != null) {
            port = parsePort(forwardedPort, port);
        }
        this.serverName = name;
        this.serverPort = port;
        javax.net.ssl.SSLSession tls = exchange.sslSession();
        if (tls != null) {
            attributes.putAll(TlsRequestAttributes.of(tls));
        }
    }

    // The client is the right-most address that is not itself a trusted proxy.
    private static String clientOf(String forwardedFor, ForwardedHeaders forwarding) {
        if (forwardedFor == null || forwardedFor.isBlank()) {
            return null;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!hop.isEmpty() && (!forwarding.trusts(hop) || i == 0)) {
                return hop;
            }
        }
        return null;
    }

    // Only a scheme a proxy in front can have been spoken to with; anything else ("wss", "ftp", a
    // typo, garbage a lax proxy passed through) is ignored, as if the header were absent. Of a
    // list, the left-most (the proxy nearest the client) counts, as for X-Forwarded-Host/-Port.
    private static String schemeOf(String forwardedProto) {
        String first = firstOf(forwardedProto);
        if (first == null) {
            return null;
        }
        String scheme = first.toLowerCase(Locale.ROOT);
        return scheme.equals("http") || scheme.equals("https") ? scheme : null;
    }

    private static String firstOf(String list) {
        if (list == null) {
            return null;
        }
        int comma = list.indexOf(',');
        String first = (comma < 0 ? list : list.substring(0, comma)).trim();
        return first.isEmpty() ? null : first;
    }

    private static int parsePort(String text, int fallback) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }

    // ---- container side ----

    Request exchange() {
        return exchange;
    }

    RequestCycle cycle() {
        return cycle;
    }

    DispatchState state() {
        return state;
    }

    void state(DispatchState state) {
        this.state = state;
    }

    void asyncSupported(boolean supported) {
        this.asyncSupported = supported;
    }

    void currentServlet(ServletHolder servlet) {
        this.currentServlet = servlet;
    }

    ServletHolder currentServlet() {
        return currentServlet;
    }

    /** Sets or removes an attribute without notifying listeners (dispatch bookkeeping). */
    Object putAttributeQuietly(String name, Object value) {
        return value == null ? attributes.remove(name) : attributes.put(name, value);
    }

    /** The parameters of the request itself (query plus form body), parsed on first use. */
    synchronized Map<String, List<String>> ownParameters() {
        if (parameters == null) {
            Map<String, List<String>> parsed = new LinkedHashMap<>();
            FormDecoder.decodeInto(exchange.query(), StandardCharsets.UTF_8, parsed);
            readFormBody(parsed);
            parameters = parsed;
        }
        return parameters;
    }

    private void readFormBody(Map<String, List<String>> parsed) {
        String contentType = getContentType();
        if (contentType == null) {
            return;
        }
        String mediaType = mediaType(contentType);
        boolean partsAvailable = parts != null || bodyUse == BodyUse.NONE;
        if (mediaType.equals("application/x-www-form-urlencoded") && bodyUse == BodyUse.NONE) {
            try {
                byte[] body = exchange.body().readAllBytes();
                bodyUse = BodyUse.STREAM;
                FormDecoder.decodeInto(body, bodyCharset(), parsed);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the form body", e);
            }
        } else if (mediaType.equals("multipart/form-data") && multipartConfig() != null && partsAvailable) {
            try {
                for (Part part : getParts()) {
                    if (part.getSubmittedFileName() == null) {
                        parsed.computeIfAbsent(part.getName(), k -> new ArrayList<>(1))
                                .add(new String(part.getInputStream().readAllBytes(), partCharset(part)));
                    }
                }
            } catch (IOException | ServletException | IllegalStateException e) {
                // As on Tomcat: parameters stay those of the query string, and getParts() throws
                // the failure itself (Spring sniffs its "exceeds ... size" message to answer 413).
                log.debug("Multipart body of {} not available as parameters: {}", this, e.getMessage());
            }
        }
    }

    private Charset partCharset(Part part) {
        String type = part.getContentType();
        Charset charset = type == null ? null : charsetOf(type);
        return charset != null ? charset : bodyCharset();
    }

    private Charset bodyCharset() {
        String encoding = getCharacterEncoding();
        if (encoding != null) {
            try {
                return Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                // fall through to the Servlet default
            }
        }
        return StandardCharsets.ISO_8859_1;
    }

    static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    static Charset charsetOf(String contentType) {
        String value = contentTypeParameter(contentType, "charset");
        if (value == null) {
            return null;
        }
        try {
            return Charset.forName(value);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    static String contentTypeParameter(String contentType, String name) {
        for (String parameter : contentType.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).trim().equalsIgnoreCase(name)) {
                String value = parameter.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }

    private Map<String, List<String>> effectiveParameters() {
        DispatchState current = state;
        return current != null && current.parameters() != null ? current.parameters() : ownParameters();
    }

    MultipartConfigElement multipartConfig() {
        ServletHolder servlet = currentServlet;
        return servlet == null ? null : servlet.multipartConfig();
    }

    MiniSession sessionIfAny() {
        return session;
    }

    // ---- ServletRequest ----

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new ArrayList<>(attributes.keySet()));
    }

    @Override
    public synchronized String getCharacterEncoding() {
        if (characterEncoding != null) {
            return characterEncoding;
        }
        String contentType = getContentType();
        if (contentType != null) {
            String declared = contentTypeParameter(contentType, "charset");
            if (declared != null) {
                return declared;
            }
        }
        return context.getRequestCharacterEncoding();
    }

    @Override
    public synchronized void setCharacterEncoding(String encoding) throws UnsupportedEncodingException {
        if (bodyUse == BodyUse.READER || parameters != null) {
            return; // too late: the body was already decoded
        }
        if (encoding != null && !Charset.isSupported(encoding)) {
            throw new UnsupportedEncodingException(encoding);
        }
        characterEncoding = encoding;
    }

    @Override
    public int getContentLength() {
        long length = getContentLengthLong();
        return length > Integer.MAX_VALUE ? -1 : (int) length;
    }

    @Override
    public long getContentLengthLong() {
        if (exchange.header("Content-Length") == null && exchange.header("Transfer-Encoding") == null) {
            return -1;
        }
        return exchange.contentLength();
    }

    @Override
    public String getContentType() {
        return exchange.header("Content-Type");
    }

    @Override
    public synchronized ServletInputStream getInputStream() {
        if (bodyUse == BodyUse.READER) {
            throw new IllegalStateException("getReader() has already been called for this request");
        }
        bodyUse = BodyUse.STREAM;
        if (inputStream == null) {
            inputStream = new RequestInputStream(exchange.body(), exchange.workers(), this);
        }
        return inputStream;
    }

    @Override
    public synchronized BufferedReader getReader() throws UnsupportedEncodingException {
        if (bodyUse == BodyUse.STREAM) {
            throw new IllegalStateException("getInputStream() has already been called for this request");
        }
        if (reader == null) {
            bodyUse = BodyUse.READER;
            reader = new BufferedReader(new InputStreamReader(exchange.body(), bodyCharset()));
        }
        return reader;
    }

    @Override
    public String getParameter(String name) {
        List<String> values = effectiveParameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(new ArrayList<>(effectiveParameters().keySet()));
    }

    @Override
    public String[] getParameterValues(String name) {
        List<String> values = effectiveParameters().get(name);
        return values == null ? null : values.toArray(new String[0]);
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        Map<String, String[]> map = new LinkedHashMap<>();
        effectiveParameters().forEach((name, values) -> map.put(name, values.toArray(new String[0])));
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String getProtocol() {
        return exchange.version().text();
    }

    @Override
    public String getScheme() {
        return scheme;
    }

    @Override
    public String getServerName() {
        return serverName;
    }

    @Override
    public int getServerPort() {
        return serverPort;
    }

    @Override
    public String getRemoteAddr() {
        return remoteAddr;
    }

    // No reverse DNS lookups on the request path: the address is the host.
    @Override
    public String getRemoteHost() {
        return remoteAddr;
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (name == null) {
            throw new IllegalArgumentException("Attribute name must not be null");
        }
        if (value == null) {
            removeAttribute(name);
            return;
        }
        Object old = attributes.put(name, value);
        for (ServletRequestAttributeListener listener : context.listeners(ServletRequestAttributeListener.class)) {
            if (old == null) {
                listener.attributeAdded(new ServletRequestAttributeEvent(context, this, name, value));
            } else {
                listener.attributeReplaced(new ServletRequestAttributeEvent(context, this, name, old));
            }
        }
    }

    @Override
    public void removeAttribute(String name) {
        Object old = attributes.remove(name);
        if (old != null) {
            for (ServletRequestAttributeListener listener : context.listeners(ServletRequestAttributeListener.class)) {
                listener.attributeRemoved(new ServletRequestAttributeEvent(context, this, name, old));
            }
        }
    }

    private synchronized List<Locale> locales() {
        if (locales == null) {
            List<Locale> parsed = AcceptLanguage.parse(exchange.headers().getAll("Accept-Language"));
            locales = parsed.isEmpty() ? List.of(Locale.getDefault()) : parsed;
        }
        return locales;
    }

    @Override
    public Locale getLocale() {
        return locales().get(0);
    }

    @Override
    public Enumeration<Locale> getLocales() {
        return Collections.enumeration(locales());
    }

    @Override
    public boolean isSecure() {
        return "https".equals(scheme);
    }

    @Override
    public RequestDispatcher getRequestDispatcher(String path) {
        if (path == null) {
            return null;
        }
        if (!path.startsWith("/")) {
            String current = state == null ? "/" : state.path();
            int slash = current.lastIndexOf('/');
            path = current.substring(0, slash + 1) + path;
        }
        return context.getRequestDispatcher(path);
    }

    @Override
    public int getRemotePort() {
        return remotePort;
    }

    @Override
    public String getLocalName() {
        return getLocalAddr();
    }

    @Override
    public String getLocalAddr() {
        InetSocketAddress local = exchange.localAddress();
        return local == null ? null : local.getAddress().getHostAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress local = exchange.localAddress();
        return local == null ? -1 : local.getPort();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public AsyncContext startAsync() {
        checkAsyncSupported();
        return cycle.startAsync(this, cycle.response(), true, false);
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        checkAsyncSupported();
        return cycle.startAsync(request, response, request == this && response == cycle.response(), true);
    }

    private void checkAsyncSupported() {
        if (!asyncSupported) {
            throw new IllegalStateException("A filter or servlet of this request does not support async operations");
        }
    }

    @Override
    public boolean isAsyncStarted() {
        return cycle.isAsyncStarted();
    }

    @Override
    public boolean isAsyncSupported() {
        return asyncSupported;
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext async = cycle.asyncContext();
        if (async == null) {
            throw new IllegalStateException("The request has not been put into asynchronous mode");
        }
        return async;
    }

    @Override
    public DispatcherType getDispatcherType() {
        return state.type();
    }

    @Override
    public String getRequestId() {
        return Long.toString(exchange.requestId());
    }

    @Override
    public String getProtocolRequestId() {
        return ""; // HTTP/1.1 has no request ids of its own
    }

    @Override
    public ServletConnection getServletConnection() {
        return new ServletConnection() {
            @Override
            public String getConnectionId() {
                return Long.toString(exchange.connectionId());
            }

            @Override
            public String getProtocol() {
                return exchange.version().text();
            }

            @Override
            public String getProtocolConnectionId() {
                return "";
            }

            @Override
            public boolean isSecure() {
                return MiniHttpServletRequest.this.isSecure();
            }
        };
    }

    // ---- HttpServletRequest ----

    @Override
    public String getAuthType() {
        return null;
    }

    @Override
    public synchronized Cookie[] getCookies() {
        if (cookies == null) {
            cookies = CookieCodec.parse(exchange.headers().getAll("Cookie"));
        }
        return cookies.isEmpty() ? null : cookies.stream().map(c -> (Cookie) c.clone()).toArray(Cookie[]::new);
    }

    @Override
    public long getDateHeader(String name) {
        String value = exchange.header(name);
        if (value == null) {
            return -1;
        }
        try {
            return HttpDate.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Header " + name + " is not a date: " + value, e);
        }
    }

    @Override
    public String getHeader(String name) {
        return exchange.header(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(exchange.headers().getAll(name));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(exchange.headers().names());
    }

    @Override
    public int getIntHeader(String name) {
        String value = exchange.header(name);
        return value == null ? -1 : Integer.parseInt(value.trim());
    }

    @Override
    public HttpServletMapping getHttpServletMapping() {
        return state.mapping();
    }

    /**
     * An error page is dispatched as a GET whatever the request's method, as Tomcat 11 does (the
     * original method is the {@code jakarta.servlet.error.method} attribute): a failed PUT or a
     * refused TRACE then renders the page, instead of the page's servlet running doPut or doTrace
     * (whose default echoes the request, headers and all). The engine still sends no body for HEAD.
     */
    @Override
    public String getMethod() {
        DispatchState current = state;
        return current != null && current.type() == DispatcherType.ERROR ? "GET" : exchange.method();
    }

    @Override
    public String getPathInfo() {
        return state.pathInfo();
    }

    @Override
    public String getPathTranslated() {
        String pathInfo = getPathInfo();
        return pathInfo == null ? null : context.getRealPath(pathInfo);
    }

    @Override
    public String getContextPath() {
        return context.getContextPath();
    }

    @Override
    public String getQueryString() {
        return state.queryString();
    }

    @Override
    public String getRemoteUser() {
        return null;
    }

    @Override
    public boolean isUserInRole(String role) {
        return false;
    }

    @Override
    public Principal getUserPrincipal() {
        return null;
    }

    /**
     * The id the client sent: a {@code ;jsessionid=} path parameter (URL tracking on), overridden
     * by the session cookie (cookie tracking on), as on Tomcat. Of several cookies (different
     * paths) the first live one wins.
     */
    @Override
    public synchronized String getRequestedSessionId() {
        if (!requestedSessionIdParsed) {
            requestedSessionIdParsed = true;
            if (context.sslSessions()) {
                // SSL tracking excludes the other modes: the id is the TLS session's.
                javax.net.ssl.SSLSession tls = exchange.sslSession();
                requestedSessionId = tls == null ? null : TlsRequestAttributes.sessionId(tls);
            }
            MiniSessionCookieConfig config = (MiniSessionCookieConfig) context.getSessionCookieConfig();
            if (context.urlSessions()) {
                String fromUrl = UrlSessionTracking.sessionIdIn(exchange.path(), config.uriParameterName());
                if (fromUrl != null) {
                    requestedSessionId = fromUrl;
                    requestedSessionIdFromURL = true;
                }
            }
            if (context.cookieSessions()) {
                String cookieName = config.effectiveName();
                List<Cookie> all = CookieCodec.parse(exchange.headers().getAll("Cookie"));
                for (Cookie cookie : all) {
                    if (cookie.getName().equals(cookieName)) {
                        if (!requestedSessionIdFromCookie) {
                            requestedSessionId = cookie.getValue();
                            requestedSessionIdFromCookie = true;
                            requestedSessionIdFromURL = false;
                        }
                        if (context.sessions().find(cookie.getValue()) != null) {
                            requestedSessionId = cookie.getValue();
                            break;
                        }
                    }
                }
            }
        }
        return requestedSessionId;
    }

    @Override
    public String getRequestURI() {
        return state.requestURI();
    }

    @Override
    public StringBuffer getRequestURL() {
        StringBuffer url = new StringBuffer(64);
        url.append(scheme).append("://");
        url.append(serverName);
        if (serverPort != defaultPort(scheme)) {
            url.append(':').append(serverPort);
        }
        url.append(getRequestURI());
        return url;
    }

    @Override
    public String getServletPath() {
        return state.servletPath();
    }

    @Override
    public synchronized HttpSession getSession(boolean create) {
        if (session != null && session.isValid()) {
            return session;
        }
        session = null;
        MiniSession existing = context.sessions().find(getRequestedSessionId());
        if (existing != null && existing.isValid()) {
            existing.access();
            session = existing;
            return session;
        }
        if (!create) {
            return null;
        }
        if (cycle.response().isCommitted()) {
            throw new IllegalStateException("Cannot create a session after the response has been committed");
        }
        if (context.sslSessions()) {
            // The TLS session id is the session id: nothing to send, the client presents it again.
            String tlsId = getRequestedSessionId();
            if (tlsId == null) {
                throw new IllegalStateException("SSL session tracking needs a TLS connection with a session id");
            }
            session = context.sessions().create(tlsId);
            return session;
        }
        session = context.sessions().create();
        if (context.cookieSessions()) {
            cycle.response().addSessionCookie(session.getId());
        }
        return session;
    }

    @Override
    public HttpSession getSession() {
        return getSession(true);
    }

    @Override
    public synchronized String changeSessionId() {
        HttpSession current = getSession(false);
        if (current == null) {
            throw new IllegalStateException("There is no session associated with this request");
        }
        String newId = context.sessions().changeId((MiniSession) current);
        if (getRequestedSessionId() != null) {
            // The client's id now names this session again: isRequestedSessionIdValid stays true, as on Tomcat.
            requestedSessionId = newId;
        }
        if (context.cookieSessions()) {
            cycle.response().addSessionCookie(newId);
        }
        return newId;
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        String id = getRequestedSessionId();
        return id != null && context.sessions().find(id) != null;
    }

    @Override
    public synchronized boolean isRequestedSessionIdFromCookie() {
        getRequestedSessionId();
        return requestedSessionIdFromCookie;
    }

    @Override
    public synchronized boolean isRequestedSessionIdFromURL() {
        getRequestedSessionId();
        return requestedSessionIdFromURL;
    }

    @Override
    public boolean authenticate(HttpServletResponse response) throws IOException, ServletException {
        throw new ServletException("minihttp has no container authentication; use an application security filter");
    }

    @Override
    public void login(String username, String password) throws ServletException {
        throw new ServletException("minihttp has no container authentication; use an application security filter");
    }

    @Override
    public void logout() {
        // Nothing to forget: the container never authenticates.
    }

    @Override
    public synchronized Collection<Part> getParts() throws IOException, ServletException {
        if (parts == null && partsFailure == null) {
            String contentType = getContentType();
            if (contentType == null || !mediaType(contentType).equals("multipart/form-data")) {
                throw new ServletException("The request is not multipart/form-data");
            }
            MultipartConfigElement config = multipartConfig();
            if (config == null) {
                throw new IllegalStateException("No multipart config for servlet "
                        + (currentServlet == null ? "?" : currentServlet.name()));
            }
            String boundary = contentTypeParameter(contentType, "boundary");
            if (boundary == null || boundary.isEmpty()) {
                throw new ServletException("multipart/form-data without a boundary");
            }
            if (bodyUse != BodyUse.NONE) {
                throw new IllegalStateException("The request body has already been read");
            }
            bodyUse = BodyUse.STREAM;
            try {
                parts = new MultipartParser(boundary, config, bodyCharset(), tempDirectory(config)).parse(exchange.body());
            } catch (IllegalStateException e) {
                partsFailure = e;
            }
        }
        if (partsFailure != null) {
            throw partsFailure;
        }
        return Collections.unmodifiableList(parts);
    }

    private java.nio.file.Path tempDirectory(MultipartConfigElement config) {
        String location = config.getLocation();
        java.nio.file.Path base = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        if (location == null || location.isEmpty()) {
            return base;
        }
        java.nio.file.Path path = java.nio.file.Path.of(location);
        return path.isAbsolute() ? path : base.resolve(path);
    }

    List<Part> partsIfParsed() {
        return parts;
    }

    @Override
    public Part getPart(String name) throws IOException, ServletException {
        for (Part part : getParts()) {
            if (part.getName().equals(name)) {
                return part;
            }
        }
        return null;
    }

    @Override
    public <T extends HttpUpgradeHandler> T upgrade(Class<T> handlerClass) throws ServletException {
        T handler = MiniServletContext.instantiate(handlerClass);
        cycle.upgrade(handler);
        return handler;
    }

    @Override
    public Map<String, String> getTrailerFields() {
        Map<String, String> trailers = new LinkedHashMap<>();
        exchange.trailers().forEach((name, value) -> trailers.merge(name.toLowerCase(Locale.ROOT), value, (a, b) -> a + "," + b));
        return trailers;
    }

    @Override
    public boolean isTrailerFieldsReady() {
        return true; // the body, trailers included, is complete before the servlet runs
    }

    @Override
    public String toString() {
        return "MiniHttpServletRequest[" + exchange.method() + " " + exchange.target() + "]";
    }
}
