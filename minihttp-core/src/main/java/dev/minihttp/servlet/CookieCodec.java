package dev.minihttp.servlet;

import dev.minihttp.http.HttpDate;
import jakarta.servlet.http.Cookie;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code Cookie} request header and writes {@code Set-Cookie} (RFC 6265): name=value
 * then the attributes — Max-Age (with Expires for old clients), Domain, Path, Secure, HttpOnly,
 * SameSite, Partitioned and any other attribute set on the cookie.
 */
final class CookieCodec {

    private CookieCodec() {
    }

    static List<Cookie> parse(List<String> headerValues) {
        List<Cookie> cookies = new ArrayList<>();
        for (String header : headerValues) {
            for (String pair : header.split(";")) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String name = pair.substring(0, equals).trim();
                String value = pair.substring(equals + 1).trim();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                try {
                    cookies.add(new Cookie(name, value));
                } catch (IllegalArgumentException e) {
                    // A name the Cookie class refuses (not a token): skip it rather than fail the request.
                }
            }
        }
        return cookies;
    }

    static String format(Cookie cookie) {
        StringBuilder header = new StringBuilder(64);
        header.append(cookie.getName()).append('=').append(cookie.getValue() == null ? "" : cookie.getValue());
        appendAttributes(header, cookie.getAttributes());
        return header.toString();
    }

    static String format(String name, String value, Map<String, String> attributes) {
        StringBuilder header = new StringBuilder(64);
        header.append(name).append('=').append(value);
        appendAttributes(header, attributes);
        return header.toString();
    }

    private static void appendAttributes(StringBuilder header, Map<String, String> attributes) {
        String maxAge = attributes.get("Max-Age");
        long seconds = maxAge == null ? -1 : Long.parseLong(maxAge);
        // A negative Max-Age (setMaxAge(-1)) is the default: a cookie for the browser session, no attribute.
        if (seconds >= 0) {
            header.append("; Max-Age=").append(maxAge);
            // Zero deletes: a fixed date in the past, as Tomcat writes it.
            long expires = seconds == 0 ? 10_000 : System.currentTimeMillis() + seconds * 1000;
            header.append("; Expires=").append(HttpDate.formatClamped(expires));
        }
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            String name = attribute.getKey();
            if (name.equalsIgnoreCase("Max-Age") || name.equalsIgnoreCase("Expires") || name.equalsIgnoreCase("Comment")) {
                continue;
            }
            header.append("; ").append(canonical(name));
            if (!attribute.getValue().isEmpty()) {
                header.append('=').append(attribute.getValue());
            }
        }
    }

    // Attribute names are case-insensitive; print the usual spelling.
    private static String canonical(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "domain" -> "Domain";
            case "path" -> "Path";
            case "secure" -> "Secure";
            case "httponly" -> "HttpOnly";
            case "samesite" -> "SameSite";
            case "partitioned" -> "Partitioned";
            default -> name;
        };
    }
}
