package dev.minihttp.http2;

import dev.minihttp.http.FieldSyntax;

/**
 * The rules RFC 9113 section 8.2 sets on every field of a request or trailer section. A breach
 * makes the message malformed: a stream error PROTOCOL_ERROR (8.1.1).
 */
final class FieldRules {

    private FieldRules() {
    }

    /** 8.2.1 and 8.2: a token, no uppercase (HTTP/2 names are lowercase on the wire). */
    static void checkName(int streamId, String name) throws Http2Exception {
        if (!FieldSyntax.isToken(name)) {
            throw malformed(streamId, "invalid field name");
        }
        for (int i = 0, n = name.length(); i < n; i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                throw malformed(streamId, "uppercase field name");
            }
        }
    }

    /**
     * 8.2.1 forbids NUL, CR, LF and leading or trailing whitespace; the other controls are
     * refused too, as the HTTP/1.1 parser refuses them, so that a request means the same over
     * both protocols.
     */
    static void checkValue(int streamId, String name, String value) throws Http2Exception {
        if (!FieldSyntax.isFieldValue(value)) {
            throw malformed(streamId, "invalid value of " + name);
        }
    }

    /**
     * 8.2.2: fields that only mean something on one HTTP/1.1 connection. {@code te} is checked
     * apart: it is allowed with the value "trailers".
     */
    static boolean isConnectionSpecific(String lowercaseName) {
        return switch (lowercaseName) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> true;
            default -> false;
        };
    }

    /** The checks of a regular (non-pseudo) field shared by headers and trailers. */
    static void checkRegularField(int streamId, String name, String value) throws Http2Exception {
        checkName(streamId, name);
        checkValue(streamId, name, value);
        if (isConnectionSpecific(name)) {
            throw malformed(streamId, "connection-specific field " + name);
        }
        if (name.equals("te") && !value.equalsIgnoreCase("trailers")) {
            throw malformed(streamId, "te other than trailers");
        }
    }

    static Http2Exception malformed(int streamId, String reason) {
        return Http2Exception.streamError(streamId, ErrorCode.PROTOCOL_ERROR, reason);
    }
}
