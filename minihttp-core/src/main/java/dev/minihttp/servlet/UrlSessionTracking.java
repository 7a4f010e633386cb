package dev.minihttp.servlet;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Session tracking by URL rewriting (Servlet 6.1 section 7.1.3): the session id travels as a
 * path parameter, {@code /cart;jsessionid=ID?item=3}. Reads it from a request path and writes it
 * into the URLs {@code encodeURL}/{@code encodeRedirectURL} are given, on the same conditions as
 * Tomcat, so an application sees the same links on both servers.
 */
final class UrlSessionTracking {

    private UrlSessionTracking() {
    }

    /**
     * The value of the path parameter {@code name} in a raw request path, or null. Any segment may
     * carry it; when several do, the last wins (as Tomcat's path parameter map has it).
     */
    static String sessionIdIn(String rawPath, String name) {
        if (rawPath == null || rawPath.indexOf(';') < 0) {
            return null;
        }
        String found = null;
        int semicolon = rawPath.indexOf(';');
        while (semicolon >= 0) {
            int end = semicolon + 1;
            while (end < rawPath.length() && rawPath.charAt(end) != ';' && rawPath.charAt(end) != '/') {
                end++;
            }
            String parameter = rawPath.substring(semicolon + 1, end);
            int equals = parameter.indexOf('=');
            if (equals > 0 && parameter.substring(0, equals).equals(name) && equals + 1 < parameter.length()) {
                found = parameter.substring(equals + 1);
            }
            semicolon = rawPath.indexOf(';', end);
        }
        return found;
    }

    /**
     * {@code url} with the session id added, or unchanged when it must not carry it: when the
     * request's id came in a cookie (the client keeps cookies: a rewritten URL would only leak the
     * id), when URL tracking is off, when there is no valid session, and when the URL leaves this
     * context (another scheme, host, port or context path) or already carries this id.
     */
    static String encode(MiniHttpServletRequest request, String url) {
        if (url == null || url.startsWith("#")) {
            return url;
        }
        MiniServletContext context = (MiniServletContext) request.getServletContext();
        if (!context.urlSessions()) {
            return url;
        }
        var session = request.getSession(false);
        if (session == null || request.isRequestedSessionIdFromCookie()) {
            return url;
        }
        URI absolute;
        try {
            absolute = new URI(request.getRequestURL().toString()).resolve(new URI(url));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return url; // not a URL we can judge: leave it as the application wrote it
        }
        String parameterName = ((MiniSessionCookieConfig) context.getSessionCookieConfig()).uriParameterName();
        String token = ";" + parameterName + "=" + session.getId();
        if (!inThisContext(request, context.getContextPath(), absolute) || absolute.getRawPath().contains(token)) {
            return url;
        }
        String target = url;
        if (target.isEmpty()) {
            target = absolute.toString();
        } else if (absolute.getRawPath() == null || absolute.getRawPath().isEmpty()) {
            target = target + "/"; // "http://host" has no path to carry the parameter
        }
        return withPathParameter(target, token);
    }

    private static boolean inThisContext(MiniHttpServletRequest request, String contextPath, URI url) {
        if (url.getScheme() == null || url.getHost() == null
                || !url.getScheme().equalsIgnoreCase(request.getScheme())
                || !url.getHost().equalsIgnoreCase(request.getServerName())
                || portOf(url.getPort(), url.getScheme()) != portOf(request.getServerPort(), request.getScheme())) {
            return false;
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return contextPath.isEmpty() || path.equals(contextPath) || path.startsWith(contextPath + "/")
                || path.startsWith(contextPath + ";");
    }

    private static int portOf(int port, String scheme) {
        if (port >= 0) {
            return port;
        }
        return "https".equals(scheme.toLowerCase(Locale.ROOT)) ? 443 : 80;
    }

    // The parameter goes at the end of the path: before the query and the fragment.
    private static String withPathParameter(String url, String token) {
        int fragment = url.indexOf('#');
        int pathEnd = fragment < 0 ? url.length() : fragment;
        int query = url.indexOf('?');
        if (query >= 0 && query < pathEnd) {
            pathEnd = query;
        }
        if (pathEnd == 0) {
            return url; // "?a=b": no path to carry the parameter
        }
        return url.substring(0, pathEnd) + token + url.substring(pathEnd);
    }
}
