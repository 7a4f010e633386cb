package dev.minihttp.http;

/**
 * A request the server must refuse: the status to answer with and a short reason for the body.
 * After one of these the connection is always closed, because the message boundaries can no
 * longer be trusted.
 */
public final class HttpParseException extends Exception {

    private final int status;

    public HttpParseException(int status, String reason) {
        super(reason, null, false, false); // no stack trace: this is a verdict, not a bug
        this.status = status;
    }

    /** The status code to answer with: 400, 408, 413, 414, 431, 501 or 505. */
    public int status() {
        return status;
    }

    /**
     * A short, client-safe reason that says more than the status's reason phrase, e.g. "Invalid
     * Content-Length"; the server's error body puts the phrase before it.
     */
    public String reason() {
        return getMessage();
    }
}
