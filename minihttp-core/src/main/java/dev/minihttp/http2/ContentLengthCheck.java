package dev.minihttp.http2;

/**
 * RFC 9113 8.1.1: a request whose {@code content-length} differs from the sum of its DATA
 * payloads is malformed, a stream error PROTOCOL_ERROR. Fed the data length of each DATA frame
 * (padding excluded) it fails as soon as the body runs over, and at the end when it fell short.
 */
public final class ContentLengthCheck {

    private final int streamId;
    private final long declared;
    private long received;

    /** @param declared the request's content-length, or -1 when it has none (nothing is then checked) */
    public ContentLengthCheck(int streamId, long declared) {
        this.streamId = streamId;
        this.declared = declared;
    }

    /** @throws Http2Exception when the data so far is longer than declared */
    public void data(int length) throws Http2Exception {
        received += length;
        if (declared >= 0 && received > declared) {
            throw FieldRules.malformed(streamId, "more DATA than content-length " + declared);
        }
    }

    /** The stream ended (END_STREAM on DATA or trailers). @throws Http2Exception when the data fell short */
    public void end() throws Http2Exception {
        if (declared >= 0 && received != declared) {
            throw FieldRules.malformed(streamId, received + " octets of DATA for content-length " + declared);
        }
    }

    public long received() {
        return received;
    }
}
