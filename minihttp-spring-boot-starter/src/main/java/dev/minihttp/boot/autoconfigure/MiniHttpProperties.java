package dev.minihttp.boot.autoconfigure;

import dev.minihttp.server.ServerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * The {@code minihttp.*} properties: how many requests run at once, how many may wait, and the
 * limits that protect the workers. Defaults match {@link ServerOptions}.
 *
 * <p>Implements {@link Validator} so that Boot checks the values while binding them: an invalid
 * value fails startup through Boot's own bind-validation failure analysis, which names the
 * property, its value and where it was set.
 */
@ConfigurationProperties("minihttp")
public class MiniHttpProperties implements Validator {

    /**
     * Most requests that run at once: the worker pool size (platform threads), or the concurrency
     * limit in virtual-thread mode.
     */
    private int threads = 200;

    /** Complete requests that may wait for a free worker; when the queue is full the server answers 503. */
    private int queueCapacity = 1000;

    /** A request that waited in the queue longer than this is answered 503 instead of running; 0 means no limit. */
    private Duration queueTimeout = Duration.ZERO;

    /** Selector threads that accept, read, parse, buffer and write; they never run application code. */
    private int ioThreads = 1;

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

    @Override
    public boolean supports(Class<?> type) {
        return MiniHttpProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        MiniHttpProperties p = (MiniHttpProperties) target;
        atLeast(errors, "threads", "minihttp.threads", p.threads, 1);
        atLeast(errors, "queueCapacity", "minihttp.queue-capacity", p.queueCapacity, 0);
        atLeast(errors, "ioThreads", "minihttp.io-threads", p.ioThreads, 1);
        atLeast(errors, "maxConnections", "minihttp.max-connections", p.maxConnections, 1);
        atLeast(errors, "maxHeaders", "minihttp.max-headers", p.maxHeaders, 1);
        atLeast(errors, "maxKeepAliveRequests", "minihttp.max-keep-alive-requests", p.maxKeepAliveRequests, 0);
        notNegative(errors, "maxRequestBodySize", "minihttp.max-request-body-size", p.maxRequestBodySize);
        notNegative(errors, "bodyBufferThreshold", "minihttp.body-buffer-threshold", p.bodyBufferThreshold);
        if (p.bodyBufferThreshold != null && p.bodyBufferThreshold.toBytes() > Integer.MAX_VALUE) {
            errors.rejectValue("bodyBufferThreshold", "tooLarge",
                    "minihttp.body-buffer-threshold must be at most 2GB, was " + p.bodyBufferThreshold);
        }
        notNegative(errors, "queueTimeout", "minihttp.queue-timeout", p.queueTimeout);
        positive(errors, "requestHeadTimeout", "minihttp.request-head-timeout", p.requestHeadTimeout);
        positive(errors, "idleTimeout", "minihttp.idle-timeout", p.idleTimeout);
        validateAdditionalPorts(errors, p.additionalPorts);
    }

    private static void validateAdditionalPorts(Errors errors, List<Integer> ports) {
        Set<Integer> seen = new HashSet<>();
        for (Integer port : ports == null ? List.<Integer>of() : ports) {
            if (port == null || port < 0 || port > 65535) {
                errors.rejectValue("additionalPorts", "outOfRange",
                        "minihttp.additional-ports must hold ports between 0 and 65535, got " + port);
            } else if (!seen.add(port)) {
                errors.rejectValue("additionalPorts", "duplicate",
                        "minihttp.additional-ports lists port " + port + " twice");
            }
        }
    }

    private static void atLeast(Errors errors, String field, String property, int value, int min) {
        if (value < min) {
            errors.rejectValue(field, "tooSmall", property + " must be at least " + min + ", was " + value);
        }
    }

    private static void notNegative(Errors errors, String field, String property, DataSize value) {
        if (value == null || value.isNegative()) {
            errors.rejectValue(field, "negative", property + " must not be negative, was " + value);
        }
    }

    private static void notNegative(Errors errors, String field, String property, Duration value) {
        if (value == null || value.isNegative()) {
            errors.rejectValue(field, "negative", property + " must not be negative, was " + value);
        }
    }

    private static void positive(Errors errors, String field, String property, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            errors.rejectValue(field, "notPositive", property + " must be positive, was " + value);
        }
    }

    /** Copies these values onto the engine's options. */
    ServerOptions.Builder applyTo(ServerOptions.Builder options, boolean virtualThreadsByDefault) {
        return options.workerThreads(threads)
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
                .virtualThreads(virtualThreads != null ? virtualThreads : virtualThreadsByDefault);
    }

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

    public List<Integer> getAdditionalPorts() {
        return additionalPorts;
    }

    public void setAdditionalPorts(List<Integer> additionalPorts) {
        this.additionalPorts = additionalPorts;
    }

    public AccessLog getAccessLog() {
        return accessLog;
    }
}
