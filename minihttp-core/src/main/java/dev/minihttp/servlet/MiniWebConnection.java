package dev.minihttp.servlet;

import dev.minihttp.server.UpgradeHandler;
import dev.minihttp.server.UpgradedConnection;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servlet HTTP Upgrade over the engine's: once the 101 is out the engine calls {@link #opened},
 * which hands the application's {@link HttpUpgradeHandler} this {@link WebConnection}. Its streams
 * are non-blocking ({@link UpgradeInputStream}, {@link UpgradeOutputStream}); their listeners run
 * on workers, one callback at a time per connection, only when bytes or room are there.
 * {@link HttpUpgradeHandler#destroy()} runs once the connection is closed, whoever closed it; a
 * {@link GracefulUpgradeHandler} hears a graceful shutdown first.
 */
final class MiniWebConnection implements WebConnection, UpgradeHandler {

    private static final Logger log = LoggerFactory.getLogger(MiniWebConnection.class);

    private final MiniServletContext context;
    private final HttpUpgradeHandler handler;
    private volatile UpgradedConnection connection;
    private volatile UpgradeInputStream input;
    private volatile UpgradeOutputStream output;

    MiniWebConnection(MiniServletContext context, HttpUpgradeHandler handler) {
        this.context = context;
        this.handler = handler;
    }

    // ---- the engine's callbacks, on a worker -------------------------------------------------

    @Override
    public void opened(UpgradedConnection upgraded) {
        connection = upgraded;
        input = new UpgradeInputStream(upgraded);
        output = new UpgradeOutputStream(upgraded);
        withContextClassLoader(() -> handler.init(this));
    }

    @Override
    public void readable(UpgradedConnection upgraded) {
        input.onReadable();
    }

    @Override
    public void goingAway(UpgradedConnection upgraded) {
        if (handler instanceof GracefulUpgradeHandler graceful) {
            withContextClassLoader(graceful::goingAway);
        }
    }

    @Override
    public void closed(UpgradedConnection upgraded, Throwable cause) {
        UpgradeInputStream in = input;
        UpgradeOutputStream out = output;
        IOException failure = cause instanceof IOException io ? io
                : new IOException("the connection was closed" + (cause == null ? "" : ": " + cause), cause);
        try {
            if (in != null) {
                in.connectionClosed(failure);
            }
            if (out != null) {
                out.connectionClosed(failure);
            }
        } finally {
            withContextClassLoader(handler::destroy);
        }
    }

    private void withContextClassLoader(Runnable work) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(context.getClassLoader());
        try {
            work.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    // ---- WebConnection -----------------------------------------------------------------------

    @Override
    public ServletInputStream getInputStream() {
        return input;
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return output;
    }

    @Override
    public void close() {
        UpgradedConnection upgraded = connection;
        if (upgraded != null) {
            log.debug("Upgraded connection {} closed by its handler", upgraded.id());
            upgraded.close();
        }
    }
}
