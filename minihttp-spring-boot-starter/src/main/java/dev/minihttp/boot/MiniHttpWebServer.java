package dev.minihttp.boot;

import dev.minihttp.server.Handler;
import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import dev.minihttp.servlet.ServletContainer;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.GracefulShutdownCallback;
import org.springframework.boot.web.server.GracefulShutdownResult;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerException;

/**
 * Boot's handle on a running minihttp: the servlet container (already initialised by the
 * factory) and the engine that listens for it.
 *
 * <p>The engine starts once per instance, so {@link #start()} after {@link #stop()} (a context
 * stopped and started again) builds a fresh engine around the same container. The container
 * lives until {@link #destroy()}.
 */
public class MiniHttpWebServer implements WebServer {

    private static final Logger log = LoggerFactory.getLogger(MiniHttpWebServer.class);

    private final ServletContainer container;
    private final ServerOptions options;
    private final boolean listening;
    private final Handler handler;
    private final Duration gracefulShutdownTimeout;
    private final Object monitor = new Object();
    private volatile MiniHttpServer server;
    private volatile Runnable exceptionListener = () -> { };
    private boolean started;

    /**
     * @param options                  the engine's options; {@code listening == false} (server.port=-1)
     *                                 keeps the application without a listening socket
     * @param gracefulShutdownTimeout  null for an immediate shutdown
     */
    MiniHttpWebServer(ServletContainer container, ServerOptions options, boolean listening, Handler handler,
                      Duration gracefulShutdownTimeout) {
        this.container = container;
        this.options = options;
        this.listening = listening;
        this.handler = handler;
        this.gracefulShutdownTimeout = gracefulShutdownTimeout;
        this.server = new MiniHttpServer(options, handler);
    }

    /**
     * Initialises the load-on-startup servlets (Spring's DispatcherServlet among them), as
     * Tomcat and Jetty do here rather than in the factory, then binds the port and accepts.
     */
    @Override
    public void start() throws WebServerException {
        synchronized (monitor) {
            if (started) {
                return;
            }
            if (!container.isStarted()) {
                try {
                    container.start();
                } catch (ServletException | RuntimeException e) {
                    throw new WebServerException("Unable to start the minihttp servlet container", e);
                }
            }
            if (!listening) {
                return;
            }
            MiniHttpServer fresh = server.isRunning() || server.port() >= 0 ? new MiniHttpServer(options, handler) : server;
            try {
                fresh.start();
            } catch (IOException e) {
                fresh.stop();
                PortInUseException.throwIfPortBindingException(e, options::port);
                throw new WebServerException("Unable to start minihttp on port " + options.port(), e);
            }
            server = fresh;
            started = true;
            String contextPath = container.context().getContextPath();
            log.info("minihttp started on port {} (http/1.1){}: {} {} worker threads, queue capacity {}",
                    fresh.port(), contextPath.isEmpty() ? "" : " with context path '" + contextPath + "'",
                    options.workerThreads(), fresh.usesVirtualThreads() ? "virtual" : "platform",
                    options.queueCapacity());
        }
    }

    @Override
    public void stop() throws WebServerException {
        synchronized (monitor) {
            started = false;
            server.stop();
        }
    }

    @Override
    public void destroy() {
        stop();
        container.stop();
    }

    @Override
    public int getPort() {
        return server.port();
    }

    /**
     * Stops accepting, lets running and queued requests finish (within the shutdown phase's
     * timeout), closes idle connections, then reports to Boot.
     */
    @Override
    public void shutDownGracefully(GracefulShutdownCallback callback) {
        MiniHttpServer current = server;
        if (gracefulShutdownTimeout == null || !current.isRunning()) {
            callback.shutdownComplete(GracefulShutdownResult.IMMEDIATE);
            return;
        }
        log.info("Commencing graceful shutdown. Waiting for active requests to complete");
        current.shutdownGracefullyAsync(gracefulShutdownTimeout).thenAccept(idle -> {
            if (idle) {
                log.info("Graceful shutdown complete");
            } else {
                log.info("Graceful shutdown aborted with one or more requests still active");
            }
            callback.shutdownComplete(idle ? GracefulShutdownResult.IDLE : GracefulShutdownResult.REQUESTS_ACTIVE);
        });
    }

    /** The engine's live snapshot: pool, queue, connections, rejections and the exceptions it counted. */
    public ServerStats stats() {
        return server.stats();
    }

    /** The options the engine runs with (port as configured; {@link #getPort()} has the bound one). */
    public ServerOptions options() {
        return options;
    }

    public ServletContainer getContainer() {
        return container;
    }

    /**
     * Called back each time an exception answered by the servlet container was counted, so
     * metrics can register new (thread, exception) tag pairs at once.
     */
    public void onException(Runnable listener) {
        this.exceptionListener = listener;
    }

    void exceptionReported() {
        exceptionListener.run();
    }
}
