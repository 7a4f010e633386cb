package dev.minihttp.boot.actuate;

import dev.minihttp.boot.MiniHttpWebServer;
import dev.minihttp.server.ListenerOptions;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.context.ApplicationContext;

/**
 * {@code /actuator/minihttp}: how the server is configured, the live snapshot, what each busy
 * worker is doing (method, path without the query string, elapsed time) and the exceptions
 * counted per worker thread. The first place to look when the queue grows. The reserved lane for
 * health probes has a section of its own: its numbers are never part of the pool's.
 */
@Endpoint(id = "minihttp")
public class MiniHttpEndpoint {

    private final ApplicationContext context;

    public MiniHttpEndpoint(ApplicationContext context) {
        this.context = context;
    }

    @ReadOperation
    public Map<String, Object> minihttp() {
        MiniHttpWebServer server = MiniHttpWebServers.find(context);
        Map<String, Object> result = new LinkedHashMap<>();
        if (server == null) {
            result.put("running", false);
            return result;
        }
        ServerStats stats = server.stats();
        result.put("running", stats.running());
        result.put("port", server.getPort());
        result.put("listeners", listeners(server));
        result.put("tlsHandshakes", server.tlsHandshakes());
        result.put("config", config(server.options()));
        result.put("snapshot", snapshot(stats));
        result.put("workers", workers(stats.workers()));
        result.put("exceptions", exceptions(stats));
        result.put("reservedLane", reservedLane(stats.lane()));
        result.put("upgraded", upgraded(server, stats));
        if (server.options().http2().enabled()) {
            result.put("http2", http2(server.options().http2(), stats.http2()));
        }
        return result;
    }

    /** HTTP/2's limits and counts; its streams are requests, so they are in the snapshot and workers too. */
    private static Map<String, Object> http2(dev.minihttp.server.Http2Options options, ServerStats.Http2Stats stats) {
        Map<String, Object> http2 = new LinkedHashMap<>();
        http2.put("maxConcurrentStreams", options.maxConcurrentStreams());
        http2.put("initialWindowSize", options.initialWindowSize());
        http2.put("maxResetsPerSecond", options.maxResetsPerSecond());
        http2.put("maxControlFramesPerSecond", options.maxControlFramesPerSecond());
        http2.put("connections", stats.connections());
        http2.put("activeStreams", stats.activeStreams());
        http2.put("streamsRefused", stats.streamsRefused());
        http2.put("resets", stats.resets());
        http2.put("goAways", stats.goAways());
        return http2;
    }

    /**
     * Connections that switched protocols (WebSocket): they hold no worker while idle, so they are
     * listed apart from the workers; a callback of theirs that runs shows as a busy worker with
     * method UPGRADED.
     */
    private static Map<String, Object> upgraded(MiniHttpWebServer server, ServerStats stats) {
        Map<String, Object> upgraded = new LinkedHashMap<>();
        upgraded.put("connections", stats.upgradedConnections());
        dev.minihttp.boot.websocket.WebSocketStats webSockets = server.webSocketStats();
        if (webSockets != null) {
            Map<String, Object> websocket = new LinkedHashMap<>();
            websocket.put("sessions", webSockets.sessions());
            websocket.put("messagesIn", webSockets.messagesIn());
            websocket.put("messagesOut", webSockets.messagesOut());
            websocket.put("closes", webSockets.closes());
            upgraded.put("websocket", websocket);
        }
        return upgraded;
    }

    /** The lane's configuration, its snapshot and its workers, shaped like the pool's. */
    private static Map<String, Object> reservedLane(ServerStats.LaneStats lane) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("enabled", lane.enabled());
        result.put("paths", lane.paths());
        result.put("threadsMax", lane.maxThreads());
        result.put("threadsCurrent", lane.currentThreads());
        result.put("threadsBusy", lane.busyThreads());
        result.put("queueSize", lane.queueSize());
        result.put("queueCapacity", lane.queueCapacity());
        result.put("requests", lane.requests());
        result.put("rejected", lane.rejected());
        result.put("queueWaitCount", lane.queueWaitCount());
        result.put("queueWaitTotalMillis", TimeUnit.NANOSECONDS.toMillis(lane.queueWaitTotalNanos()));
        result.put("queueWaitMaxMillis", TimeUnit.NANOSECONDS.toMillis(lane.queueWaitMaxNanos()));
        result.put("workers", workers(lane.workers()));
        return result;
    }

    /** Each listener (main first) with its bound port and scheme; empty while stopped. */
    private static List<Map<String, Object>> listeners(MiniHttpWebServer server) {
        List<Map<String, Object>> listeners = new ArrayList<>();
        for (ListenerOptions listener : server.boundListeners()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", listener.name());
            entry.put("port", listener.port());
            entry.put("scheme", listener.scheme());
            listeners.add(entry);
        }
        return listeners;
    }

    private static Map<String, Object> config(ServerOptions options) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("threads", options.workerThreads());
        config.put("virtualThreads", options.virtualThreads());
        config.put("queueCapacity", options.queueCapacity());
        config.put("queueTimeout", options.queueTimeout().toString());
        config.put("ioThreads", options.ioThreads());
        config.put("tlsHandshakeThreads", options.tlsHandshakeThreads());
        config.put("maxConnections", options.maxConnections());
        config.put("requestHeadTimeout", options.requestHeadTimeout().toString());
        config.put("idleTimeout", options.idleTimeout().toString());
        config.put("maxRequestHeadSize", options.maxRequestHeadSize());
        config.put("maxHeaders", options.maxHeaderCount());
        config.put("maxRequestBodySize", options.maxRequestBodySize());
        config.put("bodyBufferThreshold", options.bodyBufferThreshold());
        config.put("maxKeepAliveRequests", options.maxKeepAliveRequests());
        return config;
    }

    private static Map<String, Object> snapshot(ServerStats stats) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("threadsMax", stats.maxThreads());
        snapshot.put("threadsCurrent", stats.currentThreads());
        snapshot.put("threadsBusy", stats.busyThreads());
        snapshot.put("queueSize", stats.queueSize());
        snapshot.put("queueCapacity", stats.queueCapacity());
        snapshot.put("connections", stats.connections());
        snapshot.put("maxConnections", stats.maxConnections());
        snapshot.put("requests", stats.requests());
        snapshot.put("rejected", stats.rejected());
        snapshot.put("queueWaitCount", stats.queueWaitCount());
        snapshot.put("queueWaitTotalMillis", TimeUnit.NANOSECONDS.toMillis(stats.queueWaitTotalNanos()));
        snapshot.put("queueWaitMaxMillis", TimeUnit.NANOSECONDS.toMillis(stats.queueWaitMaxNanos()));
        snapshot.put("errors", stats.errors());
        if (stats.lastError() != null) {
            snapshot.put("lastError", stats.lastError());
        }
        return snapshot;
    }

    /**
     * Exceptions that escaped the application and were answered by the server, per worker thread
     * and root-cause class; those the application handled itself (@ExceptionHandler) are not here.
     */
    private static List<Map<String, Object>> exceptions(ServerStats stats) {
        List<Map<String, Object>> exceptions = new ArrayList<>();
        for (ServerStats.ExceptionCount count : stats.exceptions()) {
            Map<String, Object> exception = new LinkedHashMap<>();
            exception.put("thread", count.thread());
            exception.put("exception", count.exception());
            exception.put("count", count.count());
            exceptions.add(exception);
        }
        return exceptions;
    }

    /** Every worker: idle, or busy with method, path (no query string) and elapsed time. */
    private static List<Map<String, Object>> workers(List<ServerStats.WorkerActivity> activities) {
        List<Map<String, Object>> workers = new ArrayList<>();
        for (ServerStats.WorkerActivity activity : activities) {
            Map<String, Object> worker = new LinkedHashMap<>();
            worker.put("thread", activity.thread());
            worker.put("state", activity.busy() ? "busy" : "idle");
            if (activity.busy()) {
                worker.put("method", activity.method());
                worker.put("path", activity.path());
                worker.put("elapsedMillis", TimeUnit.NANOSECONDS.toMillis(activity.elapsedNanos()));
            }
            workers.add(worker);
        }
        return workers;
    }
}
