package dev.minihttp.http2;

import java.nio.ByteBuffer;

/**
 * What {@link FrameReader} found, one call per frame (DATA: one or more per frame). The reader
 * has checked every rule that the frame alone decides (RFC 9113 section 6); what needs stream
 * state (idle or closed streams, flow control, stream id order) is the listener's to check.
 *
 * <p>Buffers handed over are views of the reader's input or of its internal buffers: valid only
 * during the call, read them or copy them, never keep them. A listener may throw
 * {@link Http2Exception}: the reader has already stepped past the frame, so after a stream error
 * the caller resets the stream and keeps reading.
 */
public interface FrameListener {

    /**
     * Data of one DATA frame, possibly in several calls when the frame arrives in pieces (no
     * payload is copied, so the reader hands over what it has).
     *
     * @param data                 the data bytes of this piece, padding removed (may be empty)
     * @param endStream            END_STREAM was set and this is the frame's last piece
     * @param flowControlledLength octets of the frame consumed with this piece, pad length octet
     *                             and padding included: what counts against the flow-control
     *                             windows (RFC 9113 6.9); over all pieces it adds up to the frame's
     *                             length. Only a whole DATA frame of length 0 gives a call with 0
     *                             here: what an empty-frame flood counts
     */
    void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlledLength) throws Http2Exception;

    /**
     * A complete field block: the HEADERS fragment plus every CONTINUATION, padding and
     * priority fields removed, still HPACK-encoded. It must be decoded even when the stream is
     * refused, to keep the decoder's table in step with the peer's (RFC 9113 4.3).
     */
    void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream) throws Http2Exception;

    /** A PRIORITY frame (or nothing: RFC 9113 deprecates the scheme and minihttp ignores it). */
    default void onPriority(int streamId, int dependency, boolean exclusive, int weight) throws Http2Exception {
    }

    /** @param errorCode as sent; {@link ErrorCode#of(int)} maps unknown values to INTERNAL_ERROR */
    void onRstStream(int streamId, int errorCode) throws Http2Exception;

    /** The peer's SETTINGS: only what it set explicitly is {@link Http2Settings#isSet set}; ACK it. */
    void onSettings(Http2Settings settings) throws Http2Exception;

    /** The peer acknowledged our SETTINGS: they apply from now on. */
    void onSettingsAck() throws Http2Exception;

    /** @param ack whether this answers our PING; otherwise it is to be answered with the same payload */
    void onPing(boolean ack, long payload) throws Http2Exception;

    /** @param debugData opaque diagnostic bytes (may be empty) */
    void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) throws Http2Exception;

    /** @param streamId 0 for the connection window; increment is 1..2^31-1 */
    void onWindowUpdate(int streamId, int increment) throws Http2Exception;

    /**
     * A frame of a type RFC 9113 does not define, skipped without reading its payload. Told so a
     * flood of them can be counted.
     */
    default void onUnknownFrame(int type, int flags, int streamId, int length) throws Http2Exception {
    }
}
