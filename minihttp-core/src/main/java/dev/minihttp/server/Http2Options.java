package dev.minihttp.server;

/**
 * HTTP/2 on a server's listeners: ALPN {@code h2} on TLS ones, the prior-knowledge preface and
 * {@code Upgrade: h2c} on cleartext ones; HTTP/1.1 keeps being served on the same ports. The
 * request limits of {@link ServerOptions} (head size, body size, timeouts) apply per stream.
 *
 * @param enabled              whether HTTP/2 is offered at all (off by default, as in Spring Boot)
 * @param maxConcurrentStreams SETTINGS_MAX_CONCURRENT_STREAMS: streams one connection may have open;
 *                             a HEADERS beyond it is refused (RST_STREAM REFUSED_STREAM)
 * @param initialWindowSize    SETTINGS_INITIAL_WINDOW_SIZE: request body bytes a client may send on a
 *                             stream before the server opens its window further
 * @param maxResetsPerSecond   streams a client may reset (or make the server reset with stream errors)
 *                             per second, in bursts of twice as many; beyond it GOAWAY ENHANCE_YOUR_CALM
 *                             (the rapid-reset attack, CVE-2023-44487)
 * @param maxControlFramesPerSecond frames that carry no request (SETTINGS, PING, PRIORITY, empty DATA,
 *                             unknown types) a client may send per second, per kind, in
 *                             bursts of twice as many; beyond it GOAWAY ENHANCE_YOUR_CALM (the floods of
 *                             CVE-2019-9512, -9515, -9518)
 */
public record Http2Options(
        boolean enabled,
        int maxConcurrentStreams,
        int initialWindowSize,
        int maxResetsPerSecond,
        int maxControlFramesPerSecond) {

    /** Tomcat's and Jetty's default: 100 (RFC 9113 recommends no fewer). */
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

    public Http2Options {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("http2.maxConcurrentStreams must be at least 1, was " + maxConcurrentStreams);
        }
        if (initialWindowSize < 1) {
            throw new IllegalArgumentException("http2.initialWindowSize must be at least 1, was " + initialWindowSize);
        }
        if (maxResetsPerSecond < 1) {
            throw new IllegalArgumentException("http2.maxResetsPerSecond must be at least 1, was " + maxResetsPerSecond);
        }
        if (maxControlFramesPerSecond < 1) {
            throw new IllegalArgumentException("http2.maxControlFramesPerSecond must be at least 1, was "
                    + maxControlFramesPerSecond);
        }
    }

    /** HTTP/2 off, the defaults ready for {@link #withEnabled}. */
    public static Http2Options disabled() {
        return new Http2Options(false, DEFAULT_MAX_CONCURRENT_STREAMS, 65_535, 100, 200);
    }

    /** HTTP/2 on with the defaults. */
    public static Http2Options defaults() {
        return disabled().withEnabled(true);
    }

    public Http2Options withEnabled(boolean on) {
        return new Http2Options(on, maxConcurrentStreams, initialWindowSize, maxResetsPerSecond, maxControlFramesPerSecond);
    }

    public Http2Options withMaxConcurrentStreams(int streams) {
        return new Http2Options(enabled, streams, initialWindowSize, maxResetsPerSecond, maxControlFramesPerSecond);
    }

    public Http2Options withInitialWindowSize(int size) {
        return new Http2Options(enabled, maxConcurrentStreams, size, maxResetsPerSecond, maxControlFramesPerSecond);
    }

    public Http2Options withMaxResetsPerSecond(int resets) {
        return new Http2Options(enabled, maxConcurrentStreams, initialWindowSize, resets, maxControlFramesPerSecond);
    }

    public Http2Options withMaxControlFramesPerSecond(int frames) {
        return new Http2Options(enabled, maxConcurrentStreams, initialWindowSize, maxResetsPerSecond, frames);
    }
}
