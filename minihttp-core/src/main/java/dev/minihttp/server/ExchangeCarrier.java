package dev.minihttp.server;

import java.net.InetSocketAddress;
import javax.net.ssl.SSLSession;

/**
 * What carries one {@link Exchange} to the client: an HTTP/1.1 {@link Connection}, one exchange at
 * a time, or an {@link Http2Stream}. The exchange is protocol-neutral; everything that differs
 * between the protocols (framing the response, refusing, cutting short, readiness) is asked of
 * its carrier. Called from workers and the I/O thread alike.
 */
interface ExchangeCarrier {

    long connectionId();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** The TLS session, or null on a cleartext listener. */
    SSLSession sslSession();

    /** The response body stream for {@code exchange}, framed for this protocol (called once, on the I/O thread). */
    ResponseBody newResponseBody(Exchange exchange);

    /** The response is complete; {@code keepAlive}: HTTP/1.1 may read the next request. */
    void exchangeFinished(boolean keepAlive);

    /** The 101 response is complete and {@code handler} takes the connection (HTTP/1.1 only). */
    void exchangeUpgraded(UpgradeHandler handler, String protocol, String path);

    /**
     * Answers 503 with {@code Retry-After} for an exchange the pool refused (or that waited too
     * long), {@code message} as the body, then ends it.
     */
    void refuseExchange(String message);

    /** Cuts the exchange short, the response incomplete: HTTP/1.1 closes the connection, HTTP/2 resets the stream. */
    void abortExchange();

    /** Whether the client gave up on the exchange before it ran (an HTTP/2 stream it reset): then it need not run. */
    default boolean isCancelled() {
        return false;
    }

    /** Whether the response can be written without blocking (see {@link Response#isReady()}). */
    boolean isOutputReady();

    /** Runs {@code callback} on a worker once the response can be written again (see {@link Response#whenReady}). */
    void whenOutputReady(Runnable callback);
}
