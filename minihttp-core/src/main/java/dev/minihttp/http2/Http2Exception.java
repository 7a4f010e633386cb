package dev.minihttp.http2;

/**
 * A protocol violation by the peer, with what to answer (RFC 9113 5.4): a connection error ends
 * the connection with GOAWAY carrying {@link #code()}; a stream error resets only
 * {@link #streamId()} with RST_STREAM and the connection goes on.
 */
public final class Http2Exception extends Exception {

    private final ErrorCode code;
    private final int streamId;
    private final boolean connectionError;

    private Http2Exception(ErrorCode code, int streamId, boolean connectionError, String reason) {
        super(reason, null, false, false); // no stack trace: this is a verdict on input, not a bug
        this.code = code;
        this.streamId = streamId;
        this.connectionError = connectionError;
    }

    /** An error that ends the connection (GOAWAY). */
    public static Http2Exception connectionError(ErrorCode code, String reason) {
        return new Http2Exception(code, 0, true, reason);
    }

    /** An error that resets one stream (RST_STREAM); {@code streamId} is never 0. */
    public static Http2Exception streamError(int streamId, ErrorCode code, String reason) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream, was " + streamId);
        }
        return new Http2Exception(code, streamId, false, reason);
    }

    public boolean isConnectionError() {
        return connectionError;
    }

    public ErrorCode code() {
        return code;
    }

    /** The stream to reset, or 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    /** A short reason, fit for GOAWAY debug data and logs, e.g. "PING length 7". */
    public String reason() {
        return getMessage();
    }

    @Override
    public String toString() {
        return (connectionError ? "connection error " : "stream " + streamId + " error ") + code + ": " + getMessage();
    }
}
