package dev.minihttp.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client connection preface of RFC 9113 section 3.4, recognised from the first bytes of a
 * plain connection so that HTTP/1.1 and h2c (prior knowledge) share one port. Decides as early
 * as the bytes allow: "GET /" is not h2 after one byte, "POST" after two.
 */
public final class Preface {

    /** {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}. */
    private static final byte[] BYTES = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static final int LENGTH = BYTES.length;

    public enum Match {
        /** The whole preface is there: skip {@link #LENGTH} bytes and speak HTTP/2. */
        PREFACE,
        /** What is there is a prefix of the preface (or nothing yet): read more. */
        NEEDS_MORE,
        /** A byte differs: this connection is not HTTP/2 with prior knowledge. */
        NOT_PREFACE
    }

    private Preface() {
    }

    /**
     * Compares the bytes from the buffer's position with the preface, without moving the
     * buffer. Call again with the same bytes plus what arrived since until it decides.
     */
    public static Match match(ByteBuffer in) {
        int pos = in.position();
        int available = Math.min(in.remaining(), LENGTH);
        for (int i = 0; i < available; i++) {
            if (in.get(pos + i) != BYTES[i]) {
                return Match.NOT_PREFACE;
            }
        }
        return available == LENGTH ? Match.PREFACE : Match.NEEDS_MORE;
    }

    /** A copy of the preface bytes (a client writes them; tests use them). */
    public static byte[] bytes() {
        return BYTES.clone();
    }
}
