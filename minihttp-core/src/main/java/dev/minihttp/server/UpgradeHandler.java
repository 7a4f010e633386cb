package dev.minihttp.server;

/**
 * A protocol that takes a connection over after {@code 101 Switching Protocols}: Servlet HTTP
 * Upgrade (and through it WebSocket), h2c later. Given to {@link Response#upgrade}.
 *
 * <p>Every callback runs on a worker of the pool, one at a time per connection, queued and
 * counted like a request; never on the I/O thread, and never while waiting for the client: the
 * I/O thread buffers what arrives (a bounded buffer per connection, not read further while full)
 * and a callback runs only once bytes are there and the protocol asked for them with
 * {@link UpgradedConnection#demand()}. An idle upgraded connection holds no worker and no buffer.
 */
public interface UpgradeHandler {

    /** The 101 response is sent; from now on the connection's bytes are this protocol's. */
    void opened(UpgradedConnection connection) throws Exception;

    /**
     * Bytes, or the end of the input, are there after {@link UpgradedConnection#demand()}. Read what
     * can be handled now with {@link UpgradedConnection#read}, and demand again for more.
     */
    void readable(UpgradedConnection connection) throws Exception;

    /**
     * The server shuts down gracefully: write the protocol's last words (a WebSocket close frame
     * with 1001 Going Away, an HTTP/2 GOAWAY) without waiting for an answer. The connection is
     * closed when this returns, once what was written is sent; {@link #closed} follows. Runs on a
     * worker, in order with the other callbacks, before the pool stops taking work. By default
     * the connection just closes.
     */
    default void goingAway(UpgradedConnection connection) throws Exception {
    }

    /**
     * The last callback: the connection is closed (by the protocol, the client, an I/O error, the
     * upgrade idle timeout, the write timeout or server shutdown). {@code cause} is null for an
     * orderly close. At server shutdown it may run on the thread that stops the server.
     */
    void closed(UpgradedConnection connection, Throwable cause);
}
