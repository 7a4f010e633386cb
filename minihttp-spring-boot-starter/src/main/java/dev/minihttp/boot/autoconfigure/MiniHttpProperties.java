package dev.minihttp.boot.autoconfigure;

import dev.minihttp.server.ServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code minihttp.*} properties: how many requests run at once, how many may wait, and the
 * limits that protect the workers. Defaults match {@link ServerOptions}.
 *
 * <p>Implements {@link Validator} so that Boot checks the values while binding them: an invalid
 * value fails startup through Boot's own bind-validation failure analysis, which names the
 * property as written in configuration ({@code minihttp.queue-capacity}), its value and where it
 * was set (see {@link PropertyErrors}; the environment is what tells where).
 */
@ConfigurationProperties("minihttp")
public class MiniHttpProperties implements Validator, EnvironmentAware {

    /** Not a property: where rejected values are looked up to say where they were set. */
    private transient Environment environment;

    /**
     * Most requests that run at once: the worker pool size (platform threads), or the concurrency
     * limit in virtual-thread mode.
     */
    private int threads = 200;

    /**
     * Worker threads kept however long they are idle (at most "threads"); 0 lets every idle worker
     * retire. Workers still start on demand: this is the floor idle ones retire down to.
     */
    private int minThreads = 10;

    /** A worker thread that had no request for this long ends, while more than "min-threads" exist. */
    private Duration threadIdleTimeout = Duration.ofSeconds(60);

    /** Complete requests that may wait for a free worker; when the queue is full the server answers 503. */
    private int queueCapacity = 1000;

    /** A request that waited in the queue longer than this is answered 503 instead of running; 0 means no limit. */
    private Duration queueTimeout = Duration.ZERO;

    /** Selector threads that accept, read, parse, buffer and write; they never run application code. */
    private int ioThreads = 1;

    /**
     * Threads that run the CPU-heavy part of TLS handshakes (key exchange, signatures), started on
     * demand and ended when idle, so new HTTPS connections do not stall the I/O threads; 0 runs it
     * on the I/O threads. Default: one per CPU.
     */
    private Integer tlsHandshakeThreads;

    /** Most open connections; beyond it the server stops accepting until one closes. */
    private int maxConnections = 8192;

    /** Time a client has to send a complete request head once its first byte arrived (then 408). */
    private Duration requestHeadTimeout = Duration.ofSeconds(20);

    /** A keep-alive connection without a request for this long is closed. */
    private Duration idleTimeout = Duration.ofSeconds(60);

    /** Largest request body accepted (then 413). */
    private DataSize maxRequestBodySize = DataSize.ofMegabytes(10);

    /** Request bodies up to this size are kept in memory; larger ones are spooled to a temp file. */
    private DataSize bodyBufferThreshold = DataSize.ofKilobytes(64);

    /** Most header fields in one request (then 431). */
    private int maxHeaders = 100;

    /** Requests served on one connection before it is closed; 0 means unlimited. */
    private int maxKeepAliveRequests = 0;

    /**
     * Whether requests run on virtual threads (JDK 21+), with "threads" as the concurrency limit.
     * When not set, follows spring.threads.virtual.enabled.
     */
    private Boolean virtualThreads;

    /**
     * Whether TRACE requests reach the application. Off, as on Tomcat and Jetty: TRACE echoes the
     * request's headers (cookies, API keys) back, so the server answers it with 405 and Allow.
     */
    private boolean allowTrace = false;

    private final AccessLog accessLog = new AccessLog();

    /**
     * More ports served in cleartext HTTP beside server.port, by the same threads, pool, limits and
     * metrics (listeners named "additional-<port>", bound to server.address).
     */
    private List<Integer> additionalPorts = new ArrayList<>();

    /** The access log, one line per request through the SLF4J logger "minihttp.access". */
    public static class AccessLog {

        /**
         * Whether to log each request in the combined log format plus the time it spent in the
         * queue and in the worker.
         */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    private final ReservedLane reservedLane = new ReservedLane();

    /**
     * A small capacity of its own for health probes: requests on these paths are admitted when the
     * pool and the queue are full, and no other request can use it.
     */
    public static class ReservedLane {

        /**
         * Workers only requests on the reserved paths run on (threads "minihttp-lane-N", started
         * on demand); 0 turns the lane off.
         */
        private int threads = 2;

        /** Requests on the reserved paths that may wait for a lane worker; beyond it they get 503 too. */
        private int queueCapacity = 10;

        /**
         * Request paths (after the context path) that use the lane: exact, or ending in "/**" for
         * a path and everything below it. When not set: the health endpoint and its groups on the
         * main port (e.g. /actuator/health and /actuator/health/**) and the additional probe paths
         * (/livez, /readyz).
         */
        private List<String> paths;

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public List<String> getPaths() {
            return paths;
        }

        public void setPaths(List<String> paths) {
            this.paths = paths;
        }
    }

    private final WebSocket websocket = new WebSocket();

    /** WebSocket (Jakarta WebSocket on Eclipse Tyrus, over the container's HTTP Upgrade). */
    public static class WebSocket {

        /** Whether the Jakarta WebSocket server container is set up (when Tyrus is on the classpath). */
        private boolean enabled = true;

        /**
         * The largest message (and frame) a session accepts; a larger one closes the session with
         * 1009 (message too big). Also the default text and binary message buffer size.
         */
        private DataSize maxMessageSize = DataSize.ofKilobytes(1024);

        /**
         * A WebSocket (any upgraded connection) with no byte in or out for this long is closed.
         * 0 keeps idle sessions open; pings from either side count as traffic.
         */
        private Duration idleTimeout = Duration.ofMinutes(10);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public DataSize getMaxMessageSize() {
            return maxMessageSize;
        }

        public void setMaxMessageSize(DataSize maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
        }

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }
    }

    public WebSocket getWebsocket() {
        return websocket;
    }

    private final Http2 http2 = new Http2();

    /**
     * {@code minihttp.http2.*}: HTTP/2's limits. HTTP/2 itself is turned on by Boot's own
     * {@code server.http2.enabled}, as for Tomcat and Jetty; {@code server.max-http-request-header-size}
     * bounds its header lists too.
     */
    public static class Http2 {

        /** SETTINGS_MAX_CONCURRENT_STREAMS: streams one connection may have open (Tomcat's and Jetty's default). */
        private int maxConcurrentStreams = dev.minihttp.server.Http2Options.DEFAULT_MAX_CONCURRENT_STREAMS;

        /** SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a client may send on a stream before the server opens its window. */
        private DataSize initialWindowSize = DataSize.ofBytes(65_535);

        /** Streams a client may reset (or make the server reset) per second, in bursts of twice as many (rapid reset, CVE-2023-44487). */
        private int maxResetsPerSecond = 100;

        /** SETTINGS, PING, PRIORITY, empty DATA or unknown frames a client may send per second, per kind, in bursts of twice as many. */
        private int maxControlFramesPerSecond = 200;

        public int getMaxConcurrentStreams() {
            return maxConcurrentStreams;
        }

        public void setMaxConcurrentStreams(int maxConcurrentStreams) {
            this.maxConcurrentStreams = maxConcurrentStreams;
        }

        public DataSize getInitialWindowSize() {
            return initialWindowSize;
        }

        public void setInitialWindowSize(DataSize initialWindowSize) {
            this.initialWindowSize = initialWindowSize;
        }

        public int getMaxResetsPerSecond() {
            return maxResetsPerSecond;
        }

        public void setMaxResetsPerSecond(int maxResetsPerSecond) {
            this.maxResetsPerSecond = maxResetsPerSecond;
        }

        public int getMaxControlFramesPerSecond() {
            return maxControlFramesPerSecond;
        }

        public void setMaxControlFramesPerSecond(int maxControlFramesPerSecond) {
            this.maxControlFramesPerSecond = maxControlFramesPerSecond;
        }

        /** The engine's options; {@code server.http2.enabled} decides whether they are used. */
        dev.minihttp.server.Http2Options options() {
            return new dev.minihttp.server.Http2Options(false, maxConcurrentStreams, (int) initialWindowSize.toBytes(),
                    maxResetsPerSecond, maxControlFramesPerSecond);
        }
    }

    public Http2 getHttp2() {
        return http2;
    }

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public boolean supports(Class<?> type) {
        return MiniHttpProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        MiniHttpProperties p = (MiniHttpProperties) target;
        PropertyErrors rejected = new PropertyErrors(errors, environment);
        atLeast(rejected, "minihttp.threads", p.threads, 1);
        atLeast(rejected, "minihttp.min-threads", p.minThreads, 0);
        positive(rejected, "minihttp.thread-idle-timeout", p.threadIdleTimeout);
        atLeast(rejected, "minihttp.queue-capacity", p.queueCapacity, 0);
        atLeast(rejected, "minihttp.io-threads", p.ioThreads, 1);
        if (p.tlsHandshakeThreads != null) {
            atLeast(rejected, "minihttp.tls-handshake-threads", p.tlsHandshakeThreads, 0);
        }
        atLeast(rejected, "minihttp.max-connections", p.maxConnections, 1);
        atLeast(rejected, "minihttp.max-headers", p.maxHeaders, 1);
        atLeast(rejected, "minihttp.max-keep-alive-requests", p.maxKeepAliveRequests, 0);
        notNegative(rejected, "minihttp.max-request-body-size", p.maxRequestBodySize);
        notNegative(rejected, "minihttp.body-buffer-threshold", p.bodyBufferThreshold);
        if (p.bodyBufferThreshold != null && p.bodyBufferThreshold.toBytes() > Integer.MAX_VALUE) {
            rejected.reject("minihttp.body-buffer-threshold", p.bodyBufferThreshold, "tooLarge",
                    "minihttp.body-buffer-threshold must be at most 2GB, was " + p.bodyBufferThreshold);
        }
        notNegative(rejected, "minihttp.queue-timeout", p.queueTimeout);
        positive(rejected, "minihttp.request-head-timeout", p.requestHeadTimeout);
        positive(rejected, "minihttp.idle-timeout", p.idleTimeout);
        atLeast(rejected, "minihttp.reserved-lane.threads", p.reservedLane.threads, 0);
        if (p.websocket.maxMessageSize == null || p.websocket.maxMessageSize.toBytes() < 125
                || p.websocket.maxMessageSize.toBytes() > Integer.MAX_VALUE - 64) {
            rejected.reject("minihttp.websocket.max-message-size", p.websocket.maxMessageSize, "invalid",
                    "minihttp.websocket.max-message-size must be between 125B and 2GB, was " + p.websocket.maxMessageSize);
        }
        if (p.websocket.idleTimeout == null || p.websocket.idleTimeout.isNegative()) {
            rejected.reject("minihttp.websocket.idle-timeout", p.websocket.idleTimeout, "invalid",
                    "minihttp.websocket.idle-timeout must not be negative, was " + p.websocket.idleTimeout);
        }
        atLeast(rejected, "minihttp.reserved-lane.queue-capacity", p.reservedLane.queueCapacity, 0);
        if (p.reservedLane.paths != null) {
            try {
                // The engine's own rule for what a pattern may look like, checked while binding.
                ServerOptions.builder().reservedPaths(p.reservedLane.paths).build();
            } catch (IllegalArgumentException | NullPointerException e) {
                rejected.reject("minihttp.reserved-lane.paths", p.reservedLane.paths, "invalid",
                        "minihttp.reserved-lane.paths: " + e.getMessage());
            }
        }
        validateAdditionalPorts(rejected, p.additionalPorts);
        atLeast(rejected, "minihttp.http2.max-concurrent-streams", p.http2.maxConcurrentStreams, 1);
        if (p.http2.initialWindowSize == null || p.http2.initialWindowSize.toBytes() < 1
                || p.http2.initialWindowSize.toBytes() > Integer.MAX_VALUE) {
            rejected.reject("minihttp.http2.initial-window-size", p.http2.initialWindowSize, "outOfRange",
                    "minihttp.http2.initial-window-size must be between 1B and 2147483647B, was " + p.http2.initialWindowSize);
        }
        atLeast(rejected, "minihttp.http2.max-resets-per-second", p.http2.maxResetsPerSecond, 1);
        atLeast(rejected, "minihttp.http2.max-control-frames-per-second", p.http2.maxControlFramesPerSecond, 1);
    }

    private static void validateAdditionalPorts(PropertyErrors rejected, List<Integer> ports) {
        Set<Integer> seen = new HashSet<>();
        for (Integer port : ports == null ? List.<Integer>of() : ports) {
            if (port == null || port < 0 || port > 65535) {
                rejected.reject("minihttp.additional-ports", ports, "outOfRange",
                        "minihttp.additional-ports must hold ports between 0 and 65535, got " + port);
            } else if (!seen.add(port)) {
                rejected.reject("minihttp.additional-ports", ports, "duplicate",
                        "minihttp.additional-ports lists port " + port + " twice");
            }
        }
    }

    private static void atLeast(PropertyErrors rejected, String property, int value, int min) {
        if (value < min) {
            rejected.reject(property, value, "tooSmall",
                    property + " must be at least " + min + ", was " + value);
        }
    }

    private static void notNegative(PropertyErrors rejected, String property, DataSize value) {
        if (value == null || value.isNegative()) {
            rejected.reject(property, value, "negative",
                    property + " must not be negative, was " + value);
        }
    }

    private static void notNegative(PropertyErrors rejected, String property, Duration value) {
        if (value == null || value.isNegative()) {
            rejected.reject(property, value, "negative",
                    property + " must not be negative, was " + value);
        }
    }

    private static void positive(PropertyErrors rejected, String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            rejected.reject(property, value, "notPositive",
                    property + " must be positive, was " + value);
        }
    }

    /** Copies these values onto the engine's options. */
    ServerOptions.Builder applyTo(ServerOptions.Builder options, boolean virtualThreadsByDefault) {
        if (tlsHandshakeThreads != null) {
            options.tlsHandshakeThreads(tlsHandshakeThreads); // else the engine's default, one per CPU
        }
        return options.workerThreads(threads)
                .minWorkerThreads(minThreads)
                .workerIdleTimeout(threadIdleTimeout)
                .queueCapacity(queueCapacity)
                .queueTimeout(queueTimeout)
                .ioThreads(ioThreads)
                .maxConnections(maxConnections)
                .requestHeadTimeout(requestHeadTimeout)
                .idleTimeout(idleTimeout)
                .maxRequestBodySize(maxRequestBodySize.toBytes())
                .bodyBufferThreshold((int) bodyBufferThreshold.toBytes())
                .maxHeaderCount(maxHeaders)
                .maxKeepAliveRequests(maxKeepAliveRequests)
                .reservedThreads(reservedLane.threads)
                .reservedQueueCapacity(reservedLane.queueCapacity)
                .upgradeIdleTimeout(websocket.idleTimeout)
                .http2(http2.options())
                .virtualThreads(virtualThreads != null ? virtualThreads : virtualThreadsByDefault);
    }

    public int getThreads() {
        return threads;
    }

    public void setThreads(int threads) {
        this.threads = threads;
    }

    public int getMinThreads() {
        return minThreads;
    }

    public void setMinThreads(int minThreads) {
        this.minThreads = minThreads;
    }

    public Duration getThreadIdleTimeout() {
        return threadIdleTimeout;
    }

    public void setThreadIdleTimeout(Duration threadIdleTimeout) {
        this.threadIdleTimeout = threadIdleTimeout;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public Duration getQueueTimeout() {
        return queueTimeout;
    }

    public void setQueueTimeout(Duration queueTimeout) {
        this.queueTimeout = queueTimeout;
    }

    public int getIoThreads() {
        return ioThreads;
    }

    public void setIoThreads(int ioThreads) {
        this.ioThreads = ioThreads;
    }

    public Integer getTlsHandshakeThreads() {
        return tlsHandshakeThreads;
    }

    public void setTlsHandshakeThreads(Integer tlsHandshakeThreads) {
        this.tlsHandshakeThreads = tlsHandshakeThreads;
    }

    public int getMaxConnections() {
        return maxConnections;
    }

    public void setMaxConnections(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    public Duration getRequestHeadTimeout() {
        return requestHeadTimeout;
    }

    public void setRequestHeadTimeout(Duration requestHeadTimeout) {
        this.requestHeadTimeout = requestHeadTimeout;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public DataSize getMaxRequestBodySize() {
        return maxRequestBodySize;
    }

    public void setMaxRequestBodySize(DataSize maxRequestBodySize) {
        this.maxRequestBodySize = maxRequestBodySize;
    }

    public DataSize getBodyBufferThreshold() {
        return bodyBufferThreshold;
    }

    public void setBodyBufferThreshold(DataSize bodyBufferThreshold) {
        this.bodyBufferThreshold = bodyBufferThreshold;
    }

    public int getMaxHeaders() {
        return maxHeaders;
    }

    public void setMaxHeaders(int maxHeaders) {
        this.maxHeaders = maxHeaders;
    }

    public int getMaxKeepAliveRequests() {
        return maxKeepAliveRequests;
    }

    public void setMaxKeepAliveRequests(int maxKeepAliveRequests) {
        this.maxKeepAliveRequests = maxKeepAliveRequests;
    }

    public Boolean getVirtualThreads() {
        return virtualThreads;
    }

    public void setVirtualThreads(Boolean virtualThreads) {
        this.virtualThreads = virtualThreads;
    }

    public boolean isAllowTrace() {
        return allowTrace;
    }

    public void setAllowTrace(boolean allowTrace) {
        this.allowTrace = allowTrace;
    }

    public List<Integer> getAdditionalPorts() {
        return additionalPorts;
    }

    public void setAdditionalPorts(List<Integer> additionalPorts) {
        this.additionalPorts = additionalPorts;
    }

    public AccessLog getAccessLog() {
        return accessLog;
    }

    public ReservedLane getReservedLane() {
        return reservedLane;
    }
}
