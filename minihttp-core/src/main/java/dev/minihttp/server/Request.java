package dev.minihttp.server;

import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpVersion;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLSession;

/**
 * A complete request as the handler sees it. The head is parsed and validated, and the body is
 * already buffered in memory or in a temp file, so {@link #body()} never blocks on the network.
 * Valid until the response completes; the temp file behind a large body is deleted then.
 */
public interface Request {

    /** The method token as sent, e.g. {@code GET}. */
    String method();

    /** The request-target exactly as sent (origin-form, or absolute-form through a proxy). */
    String target();

    /** The raw (still percent-encoded) path, without the query. */
    String path();

    /** The raw query after '?', or null when the target had none. */
    String query();

    HttpVersion version();

    /** Request header fields in wire order, names case-insensitive. Do not modify. */
    HttpHeaders headers();

    /** The first value of the named header, or null. */
    default String header(String name) {
        return headers().get(name);
    }

    /** The authority of the request (absolute-form target, else Host), or null for HTTP/1.0 without Host. */
    String host();

    /** The body, readable once. Empty for requests without a body. */
    InputStream body();

    /** The exact number of body bytes (known for chunked bodies too: they are buffered whole). */
    long contentLength();

    /** Trailer fields of a chunked body; empty otherwise. */
    HttpHeaders trailers();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /**
     * The TLS session the request arrived on, or null on a cleartext listener. Its peer
     * certificates, cipher suite and id are what the Servlet {@code jakarta.servlet.request.*}
     * attributes report.
     */
    default SSLSession sslSession() {
        return null;
    }

    /** Whether the request arrived over TLS (the listener's, not a proxy's, view). */
    default boolean isSecure() {
        return sslSession() != null;
    }

    /** Unique per connection for the life of the server. */
    long connectionId();

    /** Unique per request for the life of the server. */
    long requestId();

    /** Nanoseconds this request waited in the queue between being complete and a worker taking it. */
    long queueWaitNanos();

    /**
     * Runs tasks on this server's worker pool, queued like requests and counted in the same
     * statistics. Throws {@link java.util.concurrent.RejectedExecutionException} when the queue
     * is full or the server is stopping. For containers that continue a suspended exchange on a
     * worker (Servlet async dispatch).
     */
    Executor workers();
}
