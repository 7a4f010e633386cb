package dev.minihttp.servlet;

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
        if (maxAge != null) {
            header.append("; Max-Age=").append(maxAge);
            long seconds = Long.parseLong(maxAge);
            java.time.ZonedDateTime expires = seconds == 0
                    ? java.time.ZonedDateTime.of(1970, 1, 1, 0, 0, 10, 0, java.time.ZoneOffset.UTC)
                    : java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(seconds);
            header.append("; Expires=").append(java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(expires));
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
