package dev.minihttp.http2;

/**
 * One flow-control window of RFC 9113 section 6.9: the connection's (stream 0) or a stream's,
 * for sending (what the peer lets us send) or for receiving (what we let the peer send). A
 * window may go negative when SETTINGS_INITIAL_WINDOW_SIZE shrinks under data in flight
 * (6.9.2); it may never pass 2^31-1. Errors are stream errors for a stream's window and
 * connection errors for the connection's, as 6.9.1 says. Not thread-safe.
 */
public final class FlowControlWindow {

    public static final int MAX_SIZE = Http2Settings.MAX_WINDOW_SIZE;

    private final int streamId;
    private long size;

    /** @param streamId 0 for the connection window */
    public FlowControlWindow(int streamId, int initialSize) {
        if (streamId < 0 || initialSize < 0) {
            throw new IllegalArgumentException("stream " + streamId + ", initial size " + initialSize);
        }
        this.streamId = streamId;
        this.size = initialSize;
    }

    /** What may be sent (or received) now; negative after a shrinking SETTINGS. */
    public int size() {
        return (int) size;
    }

    public int streamId() {
        return streamId;
    }

    /**
     * Sending: takes {@code length} octets of a DATA frame out of the window. The caller sends no
     * more than {@link #size()}.
     */
    public void consume(int length) {
        if (length < 0 || length > size) {
            throw new IllegalStateException("sending " + length + " octets on a window of " + size);
        }
        size -= length;
    }

    /**
     * Receiving: a DATA frame's flow-controlled length (padding included) arrived.
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR when the peer sent more than the window allowed
     */
    public void receive(int length) throws Http2Exception {
        if (length < 0) {
            throw new IllegalArgumentException("length " + length);
        }
        if (length > size) {
            throw error("peer sent " + length + " octets on a window of " + size);
        }
        size -= length;
    }

    /**
     * A WINDOW_UPDATE: the peer's, on a send window, or ours, on a receive window.
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR when the window would pass 2^31-1 (6.9.1)
     */
    public void increment(int increment) throws Http2Exception {
        if (increment < 1) {
            throw new IllegalArgumentException("increment " + increment);
        }
        if (size + increment > MAX_SIZE) {
            throw error("window of " + size + " grown by " + increment + " passes 2^31-1");
        }
        size += increment;
    }

    /**
     * A new SETTINGS_INITIAL_WINDOW_SIZE applied to an open stream's window: it moves by the
     * difference and may go negative (RFC 9113 6.9.2). Never call it on the connection window,
     * which only WINDOW_UPDATE changes.
     *
     * @throws Http2Exception a connection error FLOW_CONTROL_ERROR when the window would pass
     *                        2^31-1 (6.9.2 makes this one a connection error, even for a stream)
     */
    public void initialSizeChanged(int oldInitialSize, int newInitialSize) throws Http2Exception {
        if (streamId == 0) {
            throw new IllegalStateException("the connection window does not follow SETTINGS_INITIAL_WINDOW_SIZE");
        }
        long resized = size + ((long) newInitialSize - oldInitialSize);
        if (resized > MAX_SIZE) {
            throw Http2Exception.connectionError(ErrorCode.FLOW_CONTROL_ERROR,
                    "SETTINGS_INITIAL_WINDOW_SIZE " + newInitialSize + " overflows the window of stream " + streamId);
        }
        size = resized;
    }

    private Http2Exception error(String reason) {
        return streamId == 0
                ? Http2Exception.connectionError(ErrorCode.FLOW_CONTROL_ERROR, reason)
                : Http2Exception.streamError(streamId, ErrorCode.FLOW_CONTROL_ERROR, reason);
    }

    @Override
    public String toString() {
        return "FlowControlWindow{stream " + streamId + ", " + size + "}";
    }
}
