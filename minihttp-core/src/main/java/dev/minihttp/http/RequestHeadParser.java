package dev.minihttp.http;

import java.nio.ByteBuffer;

/**
 * Incremental, strict parser for a request head (RFC 9110/9112). Bytes arrive in whatever
 * pieces the socket delivers; {@link #parse(ByteBuffer)} consumes them and returns the head once
 * the blank line after the last header field has been read. One instance per connection, reused
 * for every request on it through {@link #reset()}.
 *
 * <p>Rejects as early as it can: an invalid byte in the method or target is refused when it
 * arrives, not when the line ends, so garbage such as a TLS ClientHello gets its 400 at once.
 */
public final class RequestHeadParser {

    public RequestHeadParser(ParserLimits limits) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Consumes bytes from {@code buffer} (advancing its position) up to and including the end of
     * the head. Returns the head when it is complete, leaving any following bytes (body, next
     * pipelined request) unread in the buffer; returns null when every remaining byte was consumed
     * and more are needed.
     *
     * @throws HttpParseException when the head is malformed or exceeds a limit; the parser is then
     *                            unusable until {@link #reset()}
     */
    public RequestHead parse(ByteBuffer buffer) throws HttpParseException {
        throw new UnsupportedOperationException("TODO");
    }

    /** Whether any byte of the next request has been consumed (used to tell idle from slow). */
    public boolean hasPartialHead() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Prepares for the next request on the same connection. */
    public void reset() {
        throw new UnsupportedOperationException("TODO");
    }
}
