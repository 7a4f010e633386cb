package dev.minihttp.http;

/** How the length of a request body is known (RFC 9112 section 6.3). */
public enum BodyFraming {
    /** No Content-Length and no Transfer-Encoding: the request has no body. */
    NONE,
    /** A valid Content-Length gives the exact number of body bytes (possibly 0). */
    CONTENT_LENGTH,
    /** Transfer-Encoding: chunked; decode with {@link ChunkedDecoder}. */
    CHUNKED
}
