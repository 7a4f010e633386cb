package dev.minihttp.http;

/**
 * The protocol versions a request can arrive in. The HTTP/1.1 parser produces the first two and
 * answers anything else with 505; {@link #HTTP_2_0} is a stream of an HTTP/2 connection.
 */
public enum HttpVersion {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1"),
    HTTP_2_0("HTTP/2.0");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** The version as it appears on the wire, e.g. {@code HTTP/1.1}. */
    public String text() {
        return text;
    }
}
