package dev.minihttp.server;

import dev.minihttp.tls.TlsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link MiniHttpServer} can be told, immutable. Build with {@link #builder()}; every
 * option has a default, and an invalid value fails {@link Builder#build()} with a message that
 * names the option.
 *
 * @param host                  bind address ("0.0.0.0" for all interfaces)
 * @param port                  TCP port; 0 picks a free one (see {@link MiniHttpServer#port()})
 * @param tls                   TLS for the main listener ({@code host}:{@code port}), or null for cleartext
 * @param additionalListeners   more addresses served by the same threads, pool and limits (names unique,
 *                              none named "main")
 * @param acceptBacklog         the listen backlog passed to the kernel
 * @param ioThreads             selector threads that read, parse, buffer and write
 * @param tlsHandshakeThreads   threads that run TLS handshakes' CPU-heavy tasks (started on demand, ended when idle),
 *                              so a burst of new TLS connections does not stall the I/O threads; 0 runs them
 *                              on the I/O thread
 * @param workerThreads         the most requests that run at once (platform threads, or the
 *                              concurrency limit in virtual-thread mode); workers start on demand
 * @param minWorkerThreads      workers that stay however long they are idle (above {@code workerThreads} it means
 *                              {@code workerThreads}); 0 lets every idle worker retire. They start on demand too:
 *                              this is the floor idle workers retire down to, not a number started up front
 * @param workerIdleTimeout     a worker that had no request for this long ends, while more than
 *                              {@code minWorkerThreads} exist
 * @param virtualThreads        run requests on virtual threads (JDK 21+; ignored with a warning on 17)
 * @param queueCapacity         complete requests that may wait for a worker; beyond it 503
 * @param queueTimeout          a request that waited longer gets 503 instead of running; zero = no limit
 * @param maxConnections        open connections; beyond it the server stops accepting until one closes
 * @param maxRequestHeadSize    request line plus headers, bytes (431, or 414 for the request line)
 * @param maxHeaderCount        header fields per request (431)
 * @param maxRequestBodySize    body bytes (413)
 * @param bodyBufferThreshold   bodies up to this many bytes stay in memory, larger ones go to a temp file
 * @param requestHeadTimeout    time to receive a complete head once its first byte arrived (408)
 * @param idleTimeout           a keep-alive connection with no request for this long is closed
 * @param minBodyRate           bytes per second a body upload must average after the grace period (408)
 * @param bodyRateGracePeriod   time before {@code minBodyRate} is enforced
 * @param writeTimeout          a connection whose unsent response bytes make no progress this long is closed
 * @param maxKeepAliveRequests  requests per connection before it is closed; 0 = unlimited
 * @param responseBufferSize    default response body buffer; a body that fits gets a Content-Length
 * @param outputHighWatermark   unsent bytes per connection above which a writing worker waits
 * @param tempDirectory         where large bodies are spooled
 * @param serverHeader          value of the {@code Server} header; null sends none
 * @param retryAfterSeconds     value of {@code Retry-After} on a 503 for a full queue
 * @param reservedThreads       workers of the reserved lane: requests on {@code reservedPaths} run there, and only
 *                              they, so health probes answer while the pool and queue are full; 0 turns it off
 * @param reservedQueueCapacity requests on {@code reservedPaths} that may wait for a lane worker; beyond it 503
 * @param reservedPaths         raw request paths that use the reserved lane: exact ({@code /actuator/health}) or
 *                              a prefix ending in {@code /**} ({@code /actuator/health/**}, which also matches
 *                              {@code /actuator/health}); empty turns the lane off. See {@link ReservedPaths}.
 * @param upgradeIdleTimeout    an upgraded connection (WebSocket...) with no byte in or out for this long is closed;
 *                              zero = never (the protocol's own timeouts and pings then rule)
 * @param upgradeBufferSize     input bytes buffered per upgraded connection before the I/O thread stops reading it;
 *                              allocated only while bytes wait for the protocol
 * @param http2                 HTTP/2 on every listener (ALPN h2 with TLS, prior knowledge and h2c without), or off
 */
public record ServerOptions(
        String host,
        int port,
        TlsOptions tls,
        List<ListenerOptions> additionalListeners,
        int acceptBacklog,
        int ioThreads,
        int tlsHandshakeThreads,
        int workerThreads,
        int minWorkerThreads,
        Duration workerIdleTimeout,
        boolean virtualThreads,
        int queueCapacity,
        Duration queueTimeout,
        int maxConnections,
        int maxRequestHeadSize,
        int maxHeaderCount,
        long maxRequestBodySize,
        int bodyBufferThreshold,
        Duration requestHeadTimeout,
        Duration idleTimeout,
        long minBodyRate,
        Duration bodyRateGracePeriod,
        Duration writeTimeout,
        int maxKeepAliveRequests,
        int responseBufferSize,
        int outputHighWatermark,
        Path tempDirectory,
        String serverHeader,
        int retryAfterSeconds,
        int reservedThreads,
        int reservedQueueCapacity,
        List<String> reservedPaths,
        Duration upgradeIdleTimeout,
        int upgradeBufferSize,
        Http2Options http2) {

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        requireRange("port", port, 0, 65535);
        additionalListeners = additionalListeners == null ? List.of() : List.copyOf(additionalListeners);
        Set<String> names = new HashSet<>(Set.of(MAIN_LISTENER));
        for (ListenerOptions listener : additionalListeners) {
            if (!names.add(listener.name())) {
                throw new IllegalArgumentException("listener names must be unique, '" + listener.name() + "' is used twice");
            }
        }
        requireAtLeast("acceptBacklog", acceptBacklog, 1);
        requireAtLeast("ioThreads", ioThreads, 1);
        requireAtLeast("tlsHandshakeThreads", tlsHandshakeThreads, 0);
        requireAtLeast("workerThreads", workerThreads, 1);
        requireAtLeast("minWorkerThreads", minWorkerThreads, 0);
        requirePositive("workerIdleTimeout", workerIdleTimeout);
        requireAtLeast("queueCapacity", queueCapacity, 0);
        requireNotNegative("queueTimeout", queueTimeout);
        requireAtLeast("maxConnections", maxConnections, 1);
        requireAtLeast("maxRequestHeadSize", maxRequestHeadSize, 64);
        requireAtLeast("maxHeaderCount", maxHeaderCount, 1);
        if (maxRequestBodySize < 0) {
            throw new IllegalArgumentException("maxRequestBodySize must not be negative, was " + maxRequestBodySize);
        }
        requireAtLeast("bodyBufferThreshold", bodyBufferThreshold, 0);
        requirePositive("requestHeadTimeout", requestHeadTimeout);
        requirePositive("idleTimeout", idleTimeout);
        if (minBodyRate < 0) {
            throw new IllegalArgumentException("minBodyRate must not be negative, was " + minBodyRate);
        }
        requireNotNegative("bodyRateGracePeriod", bodyRateGracePeriod);
        requirePositive("writeTimeout", writeTimeout);
        requireAtLeast("maxKeepAliveRequests", maxKeepAliveRequests, 0);
        requireAtLeast("responseBufferSize", responseBufferSize, 0);
        requireAtLeast("outputHighWatermark", outputHighWatermark, 1024);
        Objects.requireNonNull(tempDirectory, "tempDirectory");
        requireAtLeast("retryAfterSeconds", retryAfterSeconds, 0);
        requireAtLeast("reservedThreads", reservedThreads, 0);
        requireAtLeast("reservedQueueCapacity", reservedQueueCapacity, 0);
        reservedPaths = List.copyOf(Objects.requireNonNull(reservedPaths, "reservedPaths"));
        ReservedPaths.validate(reservedPaths);
        requireNotNegative("upgradeIdleTimeout", upgradeIdleTimeout);
        requireAtLeast("upgradeBufferSize", upgradeBufferSize, 1024);
        Objects.requireNonNull(http2, "http2");
    }

    /** The name of the listener on {@code host}:{@code port}. */
    public static final String MAIN_LISTENER = "main";

    /** Every listener: the main one ({@code host}, {@code port}, {@code tls}) first, then the additional ones. */
    public List<ListenerOptions> listeners() {
        List<ListenerOptions> all = new ArrayList<>(1 + additionalListeners.size());
        all.add(new ListenerOptions(MAIN_LISTENER, host, port, tls));
        all.addAll(additionalListeners);
        return all;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values, to derive a changed copy. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void requireAtLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
        }
    }

    private static void requireRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void requireNotNegative(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    /** Mutable builder with the defaults; see the record components for what each option means. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8080;
        private TlsOptions tls = null;
        private List<ListenerOptions> additionalListeners = List.of();
        private int acceptBacklog = 1024;
        private int ioThreads = 1;
        // One per core: the tasks are pure CPU, and there is nothing to gain from more.
        private int tlsHandshakeThreads = Runtime.getRuntime().availableProcessors();
        private int workerThreads = 200;
        // Tomcat keeps minSpareThreads = 10, Jetty minThreads = 8, both started up front; here they
        // are only what idle retirement leaves: a quiet server keeps what its last minutes needed.
        private int minWorkerThreads = 10;
        // Tomcat's maxIdleTime and Jetty's idleTimeout: 60 s.
        private Duration workerIdleTimeout = Duration.ofSeconds(60);
        private boolean virtualThreads = false;
        private int queueCapacity = 1000;
        private Duration queueTimeout = Duration.ZERO;
        private int maxConnections = 8192;
        private int maxRequestHeadSize = 8 * 1024;
        private int maxHeaderCount = 100;
        private long maxRequestBodySize = 10L * 1024 * 1024;
        private int bodyBufferThreshold = 64 * 1024;
        private Duration requestHeadTimeout = Duration.ofSeconds(20);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private long minBodyRate = 240;
        private Duration bodyRateGracePeriod = Duration.ofSeconds(5);
        private Duration writeTimeout = Duration.ofSeconds(30);
        private int maxKeepAliveRequests = 0;
        private int responseBufferSize = 8 * 1024;
        private int outputHighWatermark = 64 * 1024;
        private Path tempDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private String serverHeader = null;
        private int retryAfterSeconds = 1;
        // Two: a kubelet's liveness and readiness probes may arrive together; a third probe waits briefly.
        private int reservedThreads = 2;
        // A probe that waits longer than its timeout (1 s by default in Kubernetes) fails anyway: a short queue.
        private int reservedQueueCapacity = 10;
        private List<String> reservedPaths = List.of();
        private Duration upgradeIdleTimeout = Duration.ofMinutes(10);
        private int upgradeBufferSize = 64 * 1024;
        private Http2Options http2 = Http2Options.disabled();

        private Builder() {
        }

        private Builder(ServerOptions o) {
            host = o.host;
            port = o.port;
            tls = o.tls;
            additionalListeners = o.additionalListeners;
            acceptBacklog = o.acceptBacklog;
            ioThreads = o.ioThreads;
            tlsHandshakeThreads = o.tlsHandshakeThreads;
            workerThreads = o.workerThreads;
            minWorkerThreads = o.minWorkerThreads;
            workerIdleTimeout = o.workerIdleTimeout;
            virtualThreads = o.virtualThreads;
            queueCapacity = o.queueCapacity;
            queueTimeout = o.queueTimeout;
            maxConnections = o.maxConnections;
            maxRequestHeadSize = o.maxRequestHeadSize;
            maxHeaderCount = o.maxHeaderCount;
            maxRequestBodySize = o.maxRequestBodySize;
            bodyBufferThreshold = o.bodyBufferThreshold;
            requestHeadTimeout = o.requestHeadTimeout;
            idleTimeout = o.idleTimeout;
            minBodyRate = o.minBodyRate;
            bodyRateGracePeriod = o.bodyRateGracePeriod;
            writeTimeout = o.writeTimeout;
            maxKeepAliveRequests = o.maxKeepAliveRequests;
            responseBufferSize = o.responseBufferSize;
            outputHighWatermark = o.outputHighWatermark;
            tempDirectory = o.tempDirectory;
            serverHeader = o.serverHeader;
            retryAfterSeconds = o.retryAfterSeconds;
            reservedThreads = o.reservedThreads;
            reservedQueueCapacity = o.reservedQueueCapacity;
            reservedPaths = o.reservedPaths;
            upgradeIdleTimeout = o.upgradeIdleTimeout;
            upgradeBufferSize = o.upgradeBufferSize;
            http2 = o.http2;
        }

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        public Builder tls(TlsOptions tls) { this.tls = tls; return this; }
        public Builder additionalListeners(List<ListenerOptions> additionalListeners) { this.additionalListeners = additionalListeners; return this; }
        public Builder acceptBacklog(int acceptBacklog) { this.acceptBacklog = acceptBacklog; return this; }
        public Builder ioThreads(int ioThreads) { this.ioThreads = ioThreads; return this; }
        public Builder tlsHandshakeThreads(int tlsHandshakeThreads) { this.tlsHandshakeThreads = tlsHandshakeThreads; return this; }
        public Builder workerThreads(int workerThreads) { this.workerThreads = workerThreads; return this; }
        public Builder minWorkerThreads(int minWorkerThreads) { this.minWorkerThreads = minWorkerThreads; return this; }
        public Builder workerIdleTimeout(Duration workerIdleTimeout) { this.workerIdleTimeout = workerIdleTimeout; return this; }
        public Builder virtualThreads(boolean virtualThreads) { this.virtualThreads = virtualThreads; return this; }
        public Builder queueCapacity(int queueCapacity) { this.queueCapacity = queueCapacity; return this; }
        public Builder queueTimeout(Duration queueTimeout) { this.queueTimeout = queueTimeout; return this; }
        public Builder maxConnections(int maxConnections) { this.maxConnections = maxConnections; return this; }
        public Builder maxRequestHeadSize(int maxRequestHeadSize) { this.maxRequestHeadSize = maxRequestHeadSize; return this; }
        public Builder maxHeaderCount(int maxHeaderCount) { this.maxHeaderCount = maxHeaderCount; return this; }
        public Builder maxRequestBodySize(long maxRequestBodySize) { this.maxRequestBodySize = maxRequestBodySize; return this; }
        public Builder bodyBufferThreshold(int bodyBufferThreshold) { this.bodyBufferThreshold = bodyBufferThreshold; return this; }
        public Builder requestHeadTimeout(Duration requestHeadTimeout) { this.requestHeadTimeout = requestHeadTimeout; return this; }
        public Builder idleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; return this; }
        public Builder minBodyRate(long minBodyRate) { this.minBodyRate = minBodyRate; return this; }
        public Builder bodyRateGracePeriod(Duration bodyRateGracePeriod) { this.bodyRateGracePeriod = bodyRateGracePeriod; return this; }
        public Builder writeTimeout(Duration writeTimeout) { this.writeTimeout = writeTimeout; return this; }
        public Builder maxKeepAliveRequests(int maxKeepAliveRequests) { this.maxKeepAliveRequests = maxKeepAliveRequests; return this; }
        public Builder responseBufferSize(int responseBufferSize) { this.responseBufferSize = responseBufferSize; return this; }
        public Builder outputHighWatermark(int outputHighWatermark) { this.outputHighWatermark = outputHighWatermark; return this; }
        public Builder tempDirectory(Path tempDirectory) { this.tempDirectory = tempDirectory; return this; }
        public Builder serverHeader(String serverHeader) { this.serverHeader = serverHeader; return this; }
        public Builder retryAfterSeconds(int retryAfterSeconds) { this.retryAfterSeconds = retryAfterSeconds; return this; }
        public Builder reservedThreads(int reservedThreads) { this.reservedThreads = reservedThreads; return this; }
        public Builder reservedQueueCapacity(int reservedQueueCapacity) { this.reservedQueueCapacity = reservedQueueCapacity; return this; }
        public Builder reservedPaths(List<String> reservedPaths) { this.reservedPaths = reservedPaths; return this; }
        public Builder upgradeIdleTimeout(Duration upgradeIdleTimeout) { this.upgradeIdleTimeout = upgradeIdleTimeout; return this; }
        public Builder upgradeBufferSize(int upgradeBufferSize) { this.upgradeBufferSize = upgradeBufferSize; return this; }
        public Builder http2(Http2Options http2) { this.http2 = http2; return this; }

        public ServerOptions build() {
            return new ServerOptions(host, port, tls, additionalListeners, acceptBacklog, ioThreads, tlsHandshakeThreads,
                    workerThreads, minWorkerThreads, workerIdleTimeout, virtualThreads, queueCapacity, queueTimeout,
                    maxConnections, maxRequestHeadSize, maxHeaderCount,
                    maxRequestBodySize, bodyBufferThreshold, requestHeadTimeout, idleTimeout, minBodyRate,
                    bodyRateGracePeriod, writeTimeout, maxKeepAliveRequests, responseBufferSize,
                    outputHighWatermark, tempDirectory, serverHeader, retryAfterSeconds,
                    reservedThreads, reservedQueueCapacity, reservedPaths, upgradeIdleTimeout, upgradeBufferSize, http2);
        }
    }
}
