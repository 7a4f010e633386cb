package dev.minihttp.servlet;

import dev.minihttp.http.HttpDate;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.server.Response;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The container's {@link HttpServletResponse} over one engine {@link Response}. Status, headers and
 * the body buffer live in the engine response (which commits on overflow or flush and chooses
 * Content-Length or chunked framing); this class adds the Servlet rules on top: content type and
 * charset, writer/stream exclusivity, {@code sendError} deferred to the error page mechanism,
 * redirects, cookies, and the "closed" state after which writes are dropped.
 */
final class MiniHttpServletResponse implements HttpServletResponse {

    private enum BodyUse { NONE, STREAM, WRITER }

    private final MiniServletContext context;
    private final Response exchange;
    private final MiniHttpServletRequest request;
    private final ResponseOutputStream outputStream;
    private BodyUse bodyUse = BodyUse.NONE;
    private PrintWriter writer;
    private ResponseWriter responseWriter;
    private String contentType; // without the charset parameter
    private String charset; // explicitly set, mapped from the locale or fixed by getWriter, else null
    private boolean charsetExplicit; // by setCharacterEncoding or a content type with a charset: setLocale leaves it
    private Locale locale;
    private volatile boolean closed;
    private volatile int including;
    private volatile boolean errorPending;
    private volatile String errorMessage;
    private volatile long declaredContentLength = -1;
    private volatile Supplier<Map<String, String>> trailerFields;

    MiniHttpServletResponse(MiniServletContext context, Response exchange, MiniHttpServletRequest request) {
        this.context = context;
        this.exchange = exchange;
        this.request = request;
        this.outputStream = new ResponseOutputStream(exchange, this);
    }

    // ---- container side ----

    MiniHttpServletRequest request() {
        return request;
    }

    Response exchange() {
        return exchange;
    }

    boolean isClosed() {
        return closed;
    }

    /** No more body: later writes are dropped (after sendError, sendRedirect, a forward, or the declared length). */
    void close() {
        closed = true;
    }

    boolean isIncluding() {
        return including > 0;
    }

    void beginInclude() {
        including++;
    }

    void endInclude() {
        including--;
    }

    long declaredContentLength() {
        return declaredContentLength;
    }

    boolean isErrorPending() {
        return errorPending;
    }

    String errorMessage() {
        return errorMessage;
    }

    /** Re-opens the response for the error page that will render the pending error. */
    void prepareForErrorPage() {
        errorPending = false;
        closed = false;
        if (!exchange.isCommitted()) {
            exchange.resetBuffer();
            outputStream.resetCount();
            declaredContentLength = -1;
            exchange.contentLength(-1);
        }
    }

    /**
     * Pushes whatever the writer holds into the body buffer, without flushing the connection: a
     * body that still fits the buffer then gets a Content-Length when the engine completes it.
     */
    void flushWriter() {
        ResponseWriter current = responseWriter;
        if (current != null) {
            try {
                current.flushEncoder();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    void addSessionCookie(String sessionId) {
        MiniSessionCookieConfig config = (MiniSessionCookieConfig) context.getSessionCookieConfig();
        Map<String, String> attributes = new LinkedHashMap<>(config.getAttributes());
        if (!attributes.containsKey("Path")) {
            String contextPath = context.getContextPath();
            attributes.put("Path", contextPath.isEmpty() ? "/" : contextPath);
        }
        if (config.getAttribute("SameSite") == null) {
            Cookie cookie = new Cookie(config.effectiveName(), sessionId);
            attributes.forEach(cookie::setAttribute);
            String sameSite = context.sameSiteFor(cookie);
            if (sameSite != null) {
                attributes.put("SameSite", sameSite);
            }
        }
        exchange.headers().add("Set-Cookie", CookieCodec.format(config.effectiveName(), sessionId, attributes));
    }

    // Headers that describe the body the application meant to send; the container's plain text
    // replaces that body, and a Content-Encoding left over would make it unreadable.
    private static final String[] REPRESENTATION_HEADERS = {"Content-Encoding", "Content-Range", "Content-Disposition",
        "Content-Language", "ETag", "Last-Modified"};

    /** Writes the container's own short plain-text error body (no stack trace, nothing from the app). */
    void writeContainerError(int status) throws IOException {
        if (exchange.isCommitted()) {
            return;
        }
        exchange.resetBuffer();
        exchange.status(status);
        for (String header : REPRESENTATION_HEADERS) {
            exchange.headers().remove(header);
        }
        exchange.headers().set("Content-Type", "text/plain;charset=UTF-8");
        String reason = reasonPhrase(status);
        byte[] body = (status + " " + (reason == null ? "" : reason) + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.contentLength(body.length);
        exchange.body().write(body);
        closed = true;
    }

    private static String reasonPhrase(int status) {
        try {
            return dev.minihttp.http.HttpStatus.reasonPhrase(status);
        } catch (RuntimeException e) {
            return ""; // the codec's table is optional for this body: the status code says it all
        }
    }

    // ---- ServletResponse ----

    @Override
    public synchronized String getCharacterEncoding() {
        if (charset != null) {
            return charset;
        }
        String fallback = context.getResponseCharacterEncoding();
        return fallback != null ? fallback : StandardCharsets.ISO_8859_1.name();
    }

    @Override
    public synchronized String getContentType() {
        if (contentType == null) {
            return null;
        }
        return charset == null ? contentType : contentType + ";charset=" + charset;
    }

    @Override
    public synchronized ServletOutputStream getOutputStream() {
        if (bodyUse == BodyUse.WRITER) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        bodyUse = BodyUse.STREAM;
        return outputStream;
    }

    @Override
    public synchronized PrintWriter getWriter() {
        if (bodyUse == BodyUse.STREAM) {
            throw new IllegalStateException("getOutputStream() has already been called for this response");
        }
        if (writer == null) {
            Charset encoding;
            try {
                encoding = Charset.forName(getCharacterEncoding());
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                encoding = StandardCharsets.ISO_8859_1;
            }
            if (!isIncluding()) {
                charset = encoding.name();
                updateContentTypeHeader();
            }
            bodyUse = BodyUse.WRITER;
            responseWriter = new ResponseWriter(outputStream, encoding);
            writer = new PrintWriter(responseWriter, false);
        }
        return writer;
    }

    @Override
    public synchronized void setCharacterEncoding(String encoding) {
        if (isCommitted() || isIncluding() || bodyUse == BodyUse.WRITER) {
            return;
        }
        charset = encoding;
        charsetExplicit = encoding != null;
        updateContentTypeHeader();
    }

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void setContentLengthLong(long length) {
        if (isCommitted() || isIncluding()) {
            return;
        }
        declaredContentLength = length;
        exchange.contentLength(length);
    }

    @Override
    public synchronized void setContentType(String type) {
        if (isCommitted() || isIncluding()) {
            return;
        }
        if (type == null) {
            contentType = null;
            if (bodyUse != BodyUse.WRITER) {
                charset = null;
                charsetExplicit = false;
            }
            updateContentTypeHeader();
            return;
        }
        StringBuilder withoutCharset = new StringBuilder();
        String declaredCharset = null;
        for (String part : type.split(";")) {
            String trimmed = part.trim();
            if (trimmed.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                declaredCharset = trimmed.substring(8).trim();
                if (declaredCharset.length() >= 2 && declaredCharset.startsWith("\"") && declaredCharset.endsWith("\"")) {
                    declaredCharset = declaredCharset.substring(1, declaredCharset.length() - 1);
                }
            } else if (!trimmed.isEmpty()) {
                if (withoutCharset.length() > 0) {
                    withoutCharset.append(';');
                }
                withoutCharset.append(trimmed);
            }
        }
        contentType = withoutCharset.toString();
        if (declaredCharset != null && bodyUse != BodyUse.WRITER) {
            charset = declaredCharset;
            charsetExplicit = true;
        }
        updateContentTypeHeader();
    }

    private void updateContentTypeHeader() {
        exchange.headers().set("Content-Type", getContentType());
    }

    @Override
    public void setBufferSize(int size) {
        if (isCommitted() || bodyUse != BodyUse.NONE && exchange.isCommitted()) {
            throw new IllegalStateException("Cannot change the buffer size after content has been written");
        }
        exchange.bufferSize(size);
    }

    @Override
    public int getBufferSize() {
        return exchange.bufferSize();
    }

    @Override
    public void flushBuffer() throws IOException {
        if (writer != null) {
            writer.flush();
        }
        if (!closed) {
            exchange.body().flush();
        }
    }

    @Override
    public void resetBuffer() {
        if (exchange.isCommitted()) {
            throw new IllegalStateException("Cannot reset the buffer of a committed response");
        }
        exchange.resetBuffer();
        outputStream.resetCount();
    }

    @Override
    public boolean isCommitted() {
        return exchange.isCommitted() || closed;
    }

    @Override
    public synchronized void reset() {
        if (exchange.isCommitted()) {
            throw new IllegalStateException("Cannot reset a committed response");
        }
        if (isIncluding()) {
            return;
        }
        exchange.reset();
        outputStream.resetCount();
        contentType = null;
        charset = null;
        charsetExplicit = false;
        locale = null;
        writer = null;
        responseWriter = null;
        bodyUse = BodyUse.NONE;
        declaredContentLength = -1;
        closed = false;
    }

    /**
     * Sets Content-Language and, unless the encoding was set explicitly or the writer is in use,
     * the encoding the container maps the locale to (no mapping: left as it is). Null clears
     * both. A mapped encoding wins over the context's response character encoding, as on Tomcat.
     */
    @Override
    public synchronized void setLocale(Locale locale) {
        if (isCommitted() || isIncluding()) {
            return;
        }
        this.locale = locale;
        exchange.headers().set("Content-Language", locale == null ? null : locale.toLanguageTag());
        if (charsetExplicit || bodyUse == BodyUse.WRITER) {
            return;
        }
        if (locale == null) {
            charset = null;
        } else {
            String mapped = context.localeCharsets().forLocale(locale);
            if (mapped == null) {
                return;
            }
            charset = mapped;
        }
        updateContentTypeHeader();
    }

    @Override
    public synchronized Locale getLocale() {
        return locale != null ? locale : Locale.getDefault();
    }

    // ---- HttpServletResponse ----

    @Override
    public void addCookie(Cookie cookie) {
        if (isCommitted() || isIncluding()) {
            return;
        }
        String sameSite = cookie.getAttribute("SameSite") == null ? context.sameSiteFor(cookie) : null;
        if (sameSite == null) {
            exchange.headers().add("Set-Cookie", CookieCodec.format(cookie));
        } else {
            Map<String, String> attributes = new LinkedHashMap<>(cookie.getAttributes());
            attributes.put("SameSite", sameSite);
            exchange.headers().add("Set-Cookie",
                    CookieCodec.format(cookie.getName(), cookie.getValue() == null ? "" : cookie.getValue(), attributes));
        }
    }

    @Override
    public boolean containsHeader(String name) {
        return exchange.headers().contains(name);
    }

    @Override
    public String encodeURL(String url) {
        return UrlSessionTracking.encode(request, url);
    }

    // The same rule as for links: Tomcat makes no difference either.
    @Override
    public String encodeRedirectURL(String url) {
        return UrlSessionTracking.encode(request, url);
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("Cannot send an error after the response has been committed");
        }
        if (isIncluding()) {
            return;
        }
        exchange.resetBuffer();
        exchange.status(status);
        errorMessage = message;
        errorPending = true;
        closed = true;
    }

    @Override
    public void sendError(int status) throws IOException {
        sendError(status, null);
    }

    @Override
    public void sendRedirect(String location, int status, boolean clearBuffer) throws IOException {
        if (isCommitted()) {
            throw new IllegalStateException("Cannot redirect after the response has been committed");
        }
        if (isIncluding()) {
            return;
        }
        if (clearBuffer) {
            exchange.resetBuffer();
        }
        exchange.status(status);
        exchange.headers().set("Location", resolveLocation(location));
        closed = true;
    }

    // Relative references stay relative (RFC 9110 allows them) except that a path relative to the
    // current resource is made absolute, which every client understands the same way.
    private String resolveLocation(String location) {
        if (location.startsWith("/") || location.contains("://") || location.startsWith("//")) {
            return location;
        }
        String uri = request.getRequestURI();
        return uri.substring(0, uri.lastIndexOf('/') + 1) + location;
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, HttpDate.formatClamped(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, HttpDate.formatClamped(date));
    }

    @Override
    public void setHeader(String name, String value) {
        if (name == null || isCommitted() || isIncluding()) {
            return;
        }
        if (name.equalsIgnoreCase("Content-Type")) {
            setContentType(value);
        } else if (name.equalsIgnoreCase("Content-Length")) {
            setContentLengthLong(value == null ? -1 : parseLength(value));
        } else {
            exchange.headers().set(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (name == null || value == null || isCommitted() || isIncluding()) {
            return;
        }
        if (name.equalsIgnoreCase("Content-Type")) {
            setContentType(value);
        } else if (name.equalsIgnoreCase("Content-Length")) {
            setContentLengthLong(parseLength(value));
        } else {
            exchange.headers().add(name, value);
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public void setStatus(int status) {
        if (isCommitted() || isIncluding()) {
            return;
        }
        exchange.status(status);
    }

    @Override
    public int getStatus() {
        return exchange.status();
    }

    @Override
    public String getHeader(String name) {
        return exchange.headers().get(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        return new ArrayList<>(exchange.headers().getAll(name));
    }

    @Override
    public Collection<String> getHeaderNames() {
        return new ArrayList<>(exchange.headers().names());
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (exchange.isCommitted()) {
            throw new IllegalStateException("Cannot set trailer fields after the response has been committed");
        }
        trailerFields = supplier;
        exchange.trailers(supplier == null ? null : () -> {
            HttpHeaders trailers = new HttpHeaders();
            Map<String, String> fields = supplier.get();
            if (fields != null) {
                fields.forEach(trailers::add);
            }
            return trailers;
        });
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailerFields;
    }
}
