package dev.minihttp.http;

/**
 * Serialises a status line and header fields into bytes. minihttp always answers with
 * {@code HTTP/1.1} in the status line (RFC 9110 section 6.2), also to HTTP/1.0 clients.
 */
public final class ResponseHeadEncoder {

    private ResponseHeadEncoder() {
    }

    /**
     * Returns {@code HTTP/1.1 <status> <reason>\r\n}, each field as {@code name: value\r\n}, then the
     * blank line, as US-ASCII bytes (values are written as ISO-8859-1, as RFC 9110 allows).
     *
     * @param reason the reason phrase; null means {@link HttpStatus#reasonPhrase(int)}
     * @throws IllegalArgumentException when a status is outside 100..999, a name is not a token, or a
     *                                  name or value holds CR, LF or another control byte other than
     *                                  HTAB (response splitting)
     */
    public static byte[] encode(int status, String reason, HttpHeaders headers) {
        throw new UnsupportedOperationException("TODO");
    }
}
