package dev.minihttp.boot;

import dev.minihttp.server.Handler;
import dev.minihttp.server.ListenerOptions;
import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import dev.minihttp.servlet.ServletContainer;
import dev.minihttp.tls.TlsOptions;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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

    private volatile dev.minihttp.boot.websocket.WebSocketStats webSocketStats;

    private static final Logger log = LoggerFactory.getLogger(MiniHttpWebServer.class);

    private final ServletContainer container;
    /** Replaced when a certificate is reloaded, so a restart after {@link #stop()} keeps the new one. */
    private volatile ServerOptions options;
    private final boolean listening;
    private final Handler handler;
    private final Duration gracefulShutdownTimeout;
    private final Object monitor = new Object();
    private volatile MiniHttpServer server;
    private volatile Runnable exceptionListener = () -> { };
    private volatile boolean started;

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
                PortInUseException.throwIfPortBindingException(e, () -> clashingPort(e, options.port()));
                throw new WebServerException("Unable to start minihttp on port " + options.port(), e);
            }
            server = fresh;
            started = true;
            String contextPath = container.context().getContextPath();
            log.info("minihttp started on {} with context path '{}'", portsDescription(fresh.boundListeners()),
                    contextPath.isEmpty() ? "/" : contextPath);
            log.info("minihttp worker pool: {} {} threads, queue capacity {}; idle ones retire after {}, down to {}",
                    options.workerThreads(), fresh.usesVirtualThreads() ? "virtual" : "platform", options.queueCapacity(),
                    org.springframework.boot.convert.DurationStyle.SIMPLE.print(options.workerIdleTimeout()),
                    Math.min(options.minWorkerThreads(), options.workerThreads()));
        }
    }

    /** Boot's wording, as Tomcat logs it: "port 8080 (http)" or "ports 8443 (https), 8081 (http)". */
    static String portsDescription(List<ListenerOptions> listeners) {
        String ports = listeners.stream().map(l -> l.port() + " (" + l.scheme() + ")").collect(Collectors.joining(", "));
        return (listeners.size() == 1 ? "port " : "ports ") + ports;
    }

    private static final Pattern LISTENER_PORT = Pattern.compile(": port (\\d+) \\(listener '");

    /** The port the engine's bind failure names (it says which listener clashed), else the main one. */
    static int clashingPort(IOException e, int mainPort) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher matcher = t.getMessage() == null ? null : LISTENER_PORT.matcher(t.getMessage());
            if (matcher != null && matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return mainPort;
    }

    /**
     * A TLS bundle changed (Boot's reload-on-update): loads the options again and gives them to the
     * running engine, whose new connections use them while open ones keep theirs. Key material that
     * fails to load is logged and the current certificate stays in use.
     */
    void reloadTls(Supplier<TlsOptions> reloaded) {
        TlsOptions tls;
        try {
            tls = reloaded.get();
        } catch (RuntimeException e) {
            log.error("The updated TLS key material could not be loaded; the current certificate stays in use", e);
            return;
        }
        synchronized (monitor) {
            options = options.toBuilder().tls(tls).build();
            if (started && server.isRunning()) {
                server.updateTls(ServerOptions.MAIN_LISTENER, tls);
            }
        }
        log.info("minihttp reloaded the TLS key material of listener '{}'", ServerOptions.MAIN_LISTENER);
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

    /** The main listener's bound port while the server runs; -1 before start and after stop (as Tomcat). */
    @Override
    public int getPort() {
        return started ? server.port() : -1;
    }

    /** Every listener with its bound port (main first) while the server runs; empty otherwise. */
    public List<ListenerOptions> boundListeners() {
        return started ? server.boundListeners() : List.of();
    }

    /** TLS handshakes since start by outcome ("success" or the failure's reason); empty without TLS. */
    public Map<String, Long> tlsHandshakes() {
        return server.tlsHandshakes();
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
    /** WebSocket sessions, messages and closes; null when WebSocket is off or Tyrus is absent. */
    public dev.minihttp.boot.websocket.WebSocketStats webSocketStats() {
        return webSocketStats;
    }

    void webSocketStats(dev.minihttp.boot.websocket.WebSocketStats stats) {
        this.webSocketStats = stats;
    }

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
