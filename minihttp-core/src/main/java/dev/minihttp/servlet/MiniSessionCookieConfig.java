package dev.minihttp.servlet;

import jakarta.servlet.SessionCookieConfig;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The session cookie's name and attributes. Attributes are kept in one case-insensitive map, so
 * {@code setAttribute("SameSite", "Lax")} and the typed setters describe the same cookie.
 */
final class MiniSessionCookieConfig implements SessionCookieConfig {

    private final MiniServletContext context;
    private static final String DEFAULT_NAME = "JSESSIONID";

    private volatile String name; // null until the application names it, as getName() must report
    private final Map<String, String> attributes = Collections.synchronizedMap(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

    MiniSessionCookieConfig(MiniServletContext context) {
        this.context = context;
        attributes.put("HttpOnly", "");
    }

    @Override
    public void setName(String name) {
        context.checkNotStarted();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Session cookie name must not be empty");
        }
        this.name = name;
    }

    /**
     * The name set by {@link #setName}, or null (the Servlet API's contract, and Tomcat's answer):
     * Spring Session, for one, copies a non-null name onto its own cookie, which is then no longer
     * its default {@code SESSION}.
     */
    @Override
    public String getName() {
        return name;
    }

    /** The name the session cookie goes by: the configured one, else {@code JSESSIONID}. */
    String effectiveName() {
        String configured = name;
        return configured != null ? configured : DEFAULT_NAME;
    }

    /**
     * The path parameter that carries the session id in a rewritten URL: {@code jsessionid}, or
     * the cookie's name once the application chose one (Servlet 6.1 section 7.1.3; Tomcat does
     * the same, so links rewritten for one server work on the other).
     */
    String uriParameterName() {
        String configured = name;
        return configured != null ? configured : "jsessionid";
    }

    @Override
    public void setDomain(String domain) {
        setAttribute("Domain", domain);
    }

    @Override
    public String getDomain() {
        return attributes.get("Domain");
    }

    @Override
    public void setPath(String path) {
        setAttribute("Path", path);
    }

    /** The configured path, or null: the cookie then uses the context path ("/" for the root context). */
    @Override
    public String getPath() {
        return attributes.get("Path");
    }

    @Override
    @Deprecated
    public void setComment(String comment) {
        // RFC 6265 has no Comment attribute; Servlet 6 made this a no-op.
    }

    @Override
    @Deprecated
    public String getComment() {
        return null;
    }

    @Override
    public void setHttpOnly(boolean httpOnly) {
        setAttribute("HttpOnly", httpOnly ? "" : null);
    }

    @Override
    public boolean isHttpOnly() {
        return attributes.containsKey("HttpOnly");
    }

    @Override
    public void setSecure(boolean secure) {
        setAttribute("Secure", secure ? "" : null);
    }

    @Override
    public boolean isSecure() {
        return attributes.containsKey("Secure");
    }

    @Override
    public void setMaxAge(int maxAge) {
        setAttribute("Max-Age", maxAge < 0 ? null : String.valueOf(maxAge));
    }

    @Override
    public int getMaxAge() {
        String value = attributes.get("Max-Age");
        return value == null ? -1 : Integer.parseInt(value);
    }

    @Override
    public void setAttribute(String name, String value) {
        context.checkNotStarted();
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Cookie attribute name must not be empty");
        }
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public String getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public Map<String, String> getAttributes() {
        synchronized (attributes) {
            return Collections.unmodifiableMap(new TreeMap<>(attributes));
        }
    }
}
