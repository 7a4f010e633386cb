package dev.minihttp.http;

/** The IMF-fixdate format of the Date header (RFC 9110 section 5.6.7). */
public final class HttpDate {

    private HttpDate() {
    }

    /**
     * The current time formatted for the Date header, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}.
     * Cached per second: this is called for every response.
     */
    public static String now() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Formats epoch milliseconds. */
    public static String format(long epochMillis) {
        throw new UnsupportedOperationException("TODO");
    }
}
