package dev.minihttp.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what a server must know before it creates its {@code SSLEngine} from the first bytes a
 * client sends: whether they are a TLS ClientHello at all, and the SNI host name in it (RFC 8446
 * 4.1.2, RFC 6066 3). The JDK's engine cannot switch certificates once created, so the name has to
 * be read first. A codec: no I/O, no state, never moves the buffer's position.
 *
 * <p>The ClientHello may be split over several handshake records (RFC 8446 5.1): their fragments
 * are joined, up to {@link #MAX_HELLO_BYTES}.
 */
public final class ClientHello {

    /** Far above any real ClientHello (post-quantum key shares make them ~2 KB), far below memory trouble. */
    static final int MAX_HELLO_BYTES = 16 * 1024;

    private static final int RECORD_HANDSHAKE = 22;
    private static final int HANDSHAKE_CLIENT_HELLO = 1;
    private static final int EXTENSION_SERVER_NAME = 0;
    private static final int NAME_TYPE_HOST = 0;

    /** What the bytes so far say. */
    public enum Kind {
        /** Not enough bytes yet to tell. */
        INCOMPLETE,
        /** A well-formed ClientHello; {@link #serverName()} may be null (no SNI). */
        HELLO,
        /** The bytes look like a cleartext HTTP request sent to a TLS port. */
        CLEARTEXT_HTTP,
        /** Anything else: not TLS, or a ClientHello that is malformed or too large. */
        NOT_TLS
    }

    private final Kind kind;
    private final String serverName;

    private ClientHello(Kind kind, String serverName) {
        this.kind = kind;
        this.serverName = serverName;
    }

    public Kind kind() {
        return kind;
    }

    /** The host name the client asked for, or null. */
    public String serverName() {
        return serverName;
    }

    private static final ClientHello INCOMPLETE = new ClientHello(Kind.INCOMPLETE, null);
    private static final ClientHello CLEARTEXT = new ClientHello(Kind.CLEARTEXT_HTTP, null);
    private static final ClientHello NOT_TLS = new ClientHello(Kind.NOT_TLS, null);

    /** Reads from the buffer's position to its limit, without moving either. */
    public static ClientHello read(ByteBuffer bytes) {
        int start = bytes.position();
        int end = bytes.limit();
        if (end - start < 1) {
            return INCOMPLETE;
        }
        int first = bytes.get(start) & 0xFF;
        if (first != RECORD_HANDSHAKE) {
            return requestLineStart(bytes, start, end);
        }
        byte[] message = joinHandshakeFragments(bytes, start, end);
        if (message == null) {
            return INCOMPLETE;
        }
        if (message.length == 0) {
            return NOT_TLS;
        }
        return parseClientHello(message);
    }

    /**
     * The first handshake message, joined from as many records as it spans; null when more bytes
     * are needed, empty when the records are malformed.
     */
    private static byte[] joinHandshakeFragments(ByteBuffer bytes, int start, int end) {
        byte[] joined = new byte[64];
        int filled = 0;
        int at = start;
        while (true) {
            if (end - at < 5) {
                return null;
            }
            int type = bytes.get(at) & 0xFF;
            int major = bytes.get(at + 1) & 0xFF;
            int length = ((bytes.get(at + 3) & 0xFF) << 8) | (bytes.get(at + 4) & 0xFF);
            if (type != RECORD_HANDSHAKE || major != 3 || length == 0 || length > 16384 + 256) {
                return new byte[0];
            }
            if (end - at - 5 < length) {
                return null;
            }
            if (filled + length > joined.length) {
                joined = java.util.Arrays.copyOf(joined, Math.max(joined.length * 2, filled + length));
            }
            bytes.get(at + 5, joined, filled, length);
            filled += length;
            at += 5 + length;
            // The handshake header (type and a 3-byte length) may itself be split.
            if (filled >= 4) {
                if ((joined[0] & 0xFF) != HANDSHAKE_CLIENT_HELLO) {
                    return new byte[0];
                }
                int bodyLength = ((joined[1] & 0xFF) << 16) | ((joined[2] & 0xFF) << 8) | (joined[3] & 0xFF);
                if (bodyLength > MAX_HELLO_BYTES) {
                    return new byte[0];
                }
                if (filled >= 4 + bodyLength) {
                    return java.util.Arrays.copyOf(joined, 4 + bodyLength);
                }
            }
        }
    }

    private static ClientHello parseClientHello(byte[] m) {
        try {
            int at = 4;                      // handshake type + length
            at += 2 + 32;                    // legacy_version, random
            at += 1 + u8(m, at);             // legacy_session_id
            at += 2 + u16(m, at);            // cipher_suites
            at += 1 + u8(m, at);             // legacy_compression_methods
            if (at == m.length) {
                return new ClientHello(Kind.HELLO, null); // no extensions (old clients)
            }
            int extensionsEnd = at + 2 + u16(m, at);
            at += 2;
            if (extensionsEnd != m.length) {
                return NOT_TLS;
            }
            String serverName = null;
            while (at < extensionsEnd) {
                int type = u16(m, at);
                int length = u16(m, at + 2);
                int data = at + 4;
                if (data + length > extensionsEnd) {
                    return NOT_TLS;
                }
                if (type == EXTENSION_SERVER_NAME) {
                    serverName = hostName(m, data, data + length);
                    if (serverName == null) {
                        return NOT_TLS;
                    }
                }
                at = data + length;
            }
            return new ClientHello(Kind.HELLO, serverName == null || serverName.isEmpty() ? null : serverName);
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return NOT_TLS;
        }
    }

    /** The host_name entry of a server_name extension; "" when it has none, null when malformed. */
    private static String hostName(byte[] m, int at, int end) {
        int listEnd = at + 2 + u16(m, at);
        if (listEnd != end) {
            return null;
        }
        at += 2;
        while (at < listEnd) {
            int type = u8(m, at);
            int length = u16(m, at + 1);
            int name = at + 3;
            if (name + length > listEnd) {
                return null;
            }
            if (type == NAME_TYPE_HOST) {
                for (int i = name; i < name + length; i++) {
                    int c = m[i] & 0xFF;
                    if (c <= 0x20 || c >= 0x7F) {
                        return null;
                    }
                }
                return new String(m, name, length, StandardCharsets.US_ASCII);
            }
            at = name + length;
        }
        return "";
    }

    /**
     * An upper-case token then a space is the start of an HTTP/1.x request line ("GET ", "POST "...);
     * upper-case letters alone may still become one.
     */
    private static ClientHello requestLineStart(ByteBuffer bytes, int start, int end) {
        int limit = Math.min(end, start + 16);
        for (int i = start; i < limit; i++) {
            int c = bytes.get(i) & 0xFF;
            if (c == ' ') {
                return i > start ? CLEARTEXT : NOT_TLS;
            }
            if (c < 'A' || c > 'Z') {
                return NOT_TLS;
            }
        }
        return limit - start < 16 ? INCOMPLETE : NOT_TLS;
    }

    private static int u8(byte[] m, int at) {
        return m[at] & 0xFF;
    }

    private static int u16(byte[] m, int at) {
        return ((m[at] & 0xFF) << 8) | (m[at + 1] & 0xFF);
    }
}
