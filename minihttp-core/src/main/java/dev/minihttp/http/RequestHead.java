package dev.minihttp.http;

/**
 * A parsed and validated request line plus header section. Immutable once built by
 * {@link RequestHeadParser}; the framing fields are derived from the headers so that the engine
 * never re-interprets them.
 *
 * @param method        the method token, case-sensitive as sent (e.g. {@code GET})
 * @param target        the request-target exactly as sent (origin-, absolute-, authority- or asterisk-form)
 * @param path          the raw (still percent-encoded) path: for origin-form the part before '?',
 *                      for absolute-form the path of the URI ("/" when empty), for asterisk-form
 *                      "*", for authority-form the authority
 * @param query         the raw query after '?', or null when there is none
 * @param version       HTTP/1.0 or HTTP/1.1
 * @param headers       the header fields in wire order
 * @param host          the authority that identifies the target: from an absolute-form target when
 *                      present (RFC 9112 3.2.2), else the Host header; null for HTTP/1.0 without Host
 * @param framing       how the body is delimited
 * @param contentLength the Content-Length for {@link BodyFraming#CONTENT_LENGTH}, 0 for NONE, -1 for CHUNKED
 * @param keepAlive     whether the client allows the connection to persist after this exchange
 *                      (HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "Connection: keep-alive")
 * @param expectContinue whether the client sent "Expect: 100-continue" (HTTP/1.1 only)
 */
public record RequestHead(
        String method,
        String target,
        String path,
        String query,
        HttpVersion version,
        HttpHeaders headers,
        String host,
        BodyFraming framing,
        long contentLength,
        boolean keepAlive,
        boolean expectContinue) {

    public boolean isHead() {
        return "HEAD".equals(method);
    }
}
