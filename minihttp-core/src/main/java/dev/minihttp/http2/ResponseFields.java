package dev.minihttp.http2;

import dev.minihttp.http.HttpHeaders;
import java.util.List;

/**
 * What an HTTP/2 response must not carry although a Servlet application may set it: the
 * connection-specific fields of RFC 9113 8.2.2 (a response with them is malformed for the
 * client) and whatever a {@code Connection} field names. The engine drops them, as Tomcat and
 * Jetty do, rather than fail a response the application wrote for HTTP/1.1.
 */
public final class ResponseFields {

    /** Dropped from every HTTP/2 response. */
    public static final List<String> CONNECTION_SPECIFIC =
            List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private ResponseFields() {
    }

    /** Whether a response field of this name (any case) is never sent over HTTP/2. */
    public static boolean isConnectionSpecific(String name) {
        for (String specific : CONNECTION_SPECIFIC) {
            if (specific.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes the connection-specific fields, and every field that a {@code Connection} field
     * names as belonging to the connection (RFC 9110 7.6.1), from a response's fields.
     */
    public static void removeConnectionSpecific(HttpHeaders response) {
        for (String connection : response.getAll("connection")) {
            for (String member : connection.split(",")) {
                String name = member.strip();
                if (!name.isEmpty()) {
                    response.remove(name);
                }
            }
        }
        for (String name : CONNECTION_SPECIFIC) {
            response.remove(name);
        }
    }
}
