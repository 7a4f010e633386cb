package dev.minihttp.server;

import dev.minihttp.tls.TlsOptions;
import java.util.Objects;

/**
 * One address the server listens on. Every listener of a server shares its I/O threads, worker
 * pool, queue, limits and statistics; they differ only in where they listen and whether they
 * speak TLS.
 *
 * @param name  names the listener in logs and for {@link MiniHttpServer#updateTls}; unique per server
 * @param host  bind address ("0.0.0.0" for all interfaces)
 * @param port  TCP port; 0 picks a free one
 * @param tls   the TLS options, or null for cleartext
 */
public record ListenerOptions(String name, String host, int port, TlsOptions tls) {

    public ListenerOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port of listener '" + name + "' must be between 0 and 65535, was " + port);
        }
    }

    public static ListenerOptions plain(String name, String host, int port) {
        return new ListenerOptions(name, host, port, null);
    }

    public boolean isSecure() {
        return tls != null;
    }

    /** "http" or "https". */
    public String scheme() {
        return tls != null ? "https" : "http";
    }
}
