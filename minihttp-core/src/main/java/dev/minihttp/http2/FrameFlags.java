package dev.minihttp.http2;

/**
 * The flag bits of RFC 9113 section 6. A flag means something only for the frame types that
 * define it; others are ignored on receipt and left unset on send (RFC 9113 4.1).
 */
public final class FrameFlags {

    /** DATA, HEADERS: the last frame the sender sends on this stream. */
    public static final int END_STREAM = 0x1;
    /** SETTINGS, PING: the answer to a frame of the same type. */
    public static final int ACK = 0x1;
    /** HEADERS, CONTINUATION (and PUSH_PROMISE): the field block ends with this frame. */
    public static final int END_HEADERS = 0x4;
    /** DATA, HEADERS (and PUSH_PROMISE): a pad length octet and padding are present. */
    public static final int PADDED = 0x8;
    /** HEADERS: the deprecated priority fields (5 octets) are present. */
    public static final int PRIORITY = 0x20;

    private FrameFlags() {
    }
}
