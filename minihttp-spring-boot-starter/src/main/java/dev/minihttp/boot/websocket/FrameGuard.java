package dev.minihttp.boot.websocket;

/**
 * Watches the frame headers of what a client sends, before Tyrus parses it, for the two rules
 * Tyrus 2.2.0 does not enforce: every client frame is masked (RFC 6455 5.1, else 1002) and no
 * frame is larger than the message limit (Tyrus would buffer it, then close with 1011 instead of
 * 1009). Only headers are read; payload bytes are counted and skipped. Not thread-safe: one reader
 * (the connection's read callback) at a time.
 */
final class FrameGuard {

    static final int OK = -1;

    private final long maxFrameSize;
    // Header being read: bytes seen so far and the ones that matter.
    private int headerRead;
    private int headerLength = 2;
    private long payloadLength;
    private long payloadLeft;
    private int violation;

    FrameGuard(long maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    /**
     * Looks at {@code length} bytes the client sent. Returns {@link #OK}, or how many of them (from
     * {@code offset}) precede the frame that broke a rule; {@link #violation()} then says which.
     */
    int inspect(byte[] bytes, int offset, int length) {
        if (violation != 0) {
            return 0;
        }
        int frameStart = offset;
        int i = offset;
        int end = offset + length;
        while (i < end) {
            if (payloadLeft > 0) {
                long skip = Math.min(payloadLeft, end - i);
                payloadLeft -= skip;
                i += (int) skip;
                continue;
            }
            if (headerRead == 0) {
                frameStart = i;
            }
            int b = bytes[i++] & 0xFF;
            headerRead++;
            if (headerRead == 2) {
                if ((b & 0x80) == 0) {
                    return refuse(1002, frameStart, offset);
                }
                int len = b & 0x7F;
                payloadLength = len;
                headerLength = 2 + (len == 126 ? 2 : len == 127 ? 8 : 0) + 4;
            } else if (headerRead > 2 && headerRead <= headerLength - 4) {
                payloadLength = (payloadLength == 126 || payloadLength == 127) && headerRead == 3 ? b : (payloadLength << 8) | b;
            }
            if (headerRead == headerLength) {
                if (payloadLength > maxFrameSize || payloadLength < 0) {
                    return refuse(1009, frameStart, offset);
                }
                payloadLeft = payloadLength;
                headerRead = 0;
                headerLength = 2;
            }
        }
        return OK;
    }

    private int refuse(int code, int frameStart, int offset) {
        violation = code;
        return Math.max(0, frameStart - offset);
    }

    /** 1002 (unmasked frame) or 1009 (frame over the limit), or 0 while none. */
    int violation() {
        return violation;
    }
}
