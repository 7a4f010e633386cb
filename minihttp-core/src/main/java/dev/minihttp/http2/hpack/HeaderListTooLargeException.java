package dev.minihttp.http2.hpack;

/**
 * The decoded header list (RFC 9113: the octets of every name and value plus 32 per field) was
 * larger than the decoder's {@code maxHeaderListSize}. Thrown only after the whole block has been
 * decoded, so the dynamic table is still in step with the peer's and the connection goes on: the
 * stream is answered 431 and the fields the sink received for this block are to be dropped.
 */
public final class HeaderListTooLargeException extends HpackException {

    private final int maxHeaderListSize;

    HeaderListTooLargeException(int maxHeaderListSize) {
        super("header list larger than " + maxHeaderListSize + " octets");
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /** The limit the list went past. */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }
}
