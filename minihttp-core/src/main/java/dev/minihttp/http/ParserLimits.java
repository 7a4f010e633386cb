package dev.minihttp.http;

/**
 * The limits the codec enforces while reading a request.
 *
 * @param maxHeadBytes     request line plus header fields plus the blank line; beyond it 431
 *                         (or 414 when the request line alone does not fit)
 * @param maxHeaderCount   header fields per request (and trailer fields per chunked body); beyond it 431
 * @param maxBodyBytes     decoded body bytes; beyond it 413 (up front for Content-Length)
 */
public record ParserLimits(int maxHeadBytes, int maxHeaderCount, long maxBodyBytes) {

    public ParserLimits {
        if (maxHeadBytes < 64) {
            throw new IllegalArgumentException("maxHeadBytes must be at least 64, was " + maxHeadBytes);
        }
        if (maxHeaderCount < 1) {
            throw new IllegalArgumentException("maxHeaderCount must be at least 1, was " + maxHeaderCount);
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes must not be negative, was " + maxBodyBytes);
        }
    }
}
