package dev.minihttp.servlet;

import jakarta.servlet.http.HttpUpgradeHandler;

/**
 * An {@link HttpUpgradeHandler} that says goodbye when the server shuts down gracefully, as
 * Tomcat's and Jetty's WebSocket sessions close with {@code 1001 Going Away}. Servlet has no such
 * callback; minihttp calls this one, on a worker, before the pool stops taking work.
 */
public interface GracefulUpgradeHandler extends HttpUpgradeHandler {

    /**
     * Write the protocol's last words now, without waiting for an answer: the connection is
     * closed once this returns and what was written is sent; {@link #destroy()} follows.
     */
    void goingAway();
}
