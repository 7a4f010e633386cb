package dev.minihttp.http;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Incremental decoder for a chunked request body (RFC 9112 section 7.1), including chunk
 * extensions (syntax-checked, then ignored) and the trailer section (kept, see {@link #trailers()}).
 * One instance per connection, {@link #reset()} between requests.
 */
public final class ChunkedDecoder {

    public ChunkedDecoder(ParserLimits limits) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Consumes bytes from {@code in}, passing chunk data to {@code sink}. Returns true once the
     * last chunk and the trailer section have been read, leaving the bytes after the message in
     * {@code in}; false when it needs more bytes (all of {@code in} was consumed).
     *
     * @throws HttpParseException 400 for malformed framing, 413 when the decoded size passes
     *                            {@link ParserLimits#maxBodyBytes()}, 431 for oversized trailers
     * @throws IOException        only when the sink throws
     */
    public boolean decode(ByteBuffer in, BodySink sink) throws HttpParseException, IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Decoded body bytes so far. */
    public long bodyBytes() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The trailer fields, complete once {@link #decode} returned true; empty when none were sent. */
    public HttpHeaders trailers() {
        throw new UnsupportedOperationException("TODO");
    }

    public void reset() {
        throw new UnsupportedOperationException("TODO");
    }
}
