package dev.minihttp.http;

/** Reason phrases for the status line. */
public final class HttpStatus {

    private HttpStatus() {
    }

    /** The standard reason phrase for {@code status} (RFC 9110 section 15), or "" when it has none. */
    public static String reasonPhrase(int status) {
        throw new UnsupportedOperationException("TODO");
    }
}
