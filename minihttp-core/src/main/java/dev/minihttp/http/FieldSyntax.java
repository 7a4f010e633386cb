package dev.minihttp.http;

import java.util.List;

/**
 * The HTTP/1.1 codec's syntax rules, opened to the other codecs (HTTP/2) so that a field, an
 * authority or a target is judged by one set of tables whatever protocol carried it. Strings hold
 * one octet per char (ISO-8859-1), as the codecs decode them; a char above 0xFF is never valid.
 */
public final class FieldSyntax {

    private FieldSyntax() {
    }

    /** {@code token} of RFC 9110 5.6.2: a field name or a method. */
    public static boolean isToken(String s) {
        return HttpChars.isToken(s);
    }

    /**
     * A field value as the HTTP/1.1 parser accepts it: VCHAR, obs-text, SP and HTAB only (no CR,
     * LF, NUL or other controls), and no leading or trailing whitespace (RFC 9110 5.5).
     */
    public static boolean isFieldValue(String s) {
        int length = s.length();
        if (length > 0 && (isWhitespace(s.charAt(0)) || isWhitespace(s.charAt(length - 1)))) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !HttpChars.isFieldContent((byte) c)) {
                return false;
            }
        }
        return true;
    }

    /** {@code uri-host [ ":" port ]} without userinfo, as the Host field is checked. */
    public static boolean isAuthority(String s) {
        return Authority.isValid(s, false);
    }

    /** {@code uri-host ":" port}, the authority-form of CONNECT. */
    public static boolean isAuthorityWithPort(String s) {
        return Authority.isValid(s, true);
    }

    /**
     * Whether every char may stand in a request-target (no whitespace, controls or '#') and each
     * '%' is followed by two hex digits, as the HTTP/1.1 request line is checked.
     */
    public static boolean isTargetChars(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0x7F || !HttpChars.isTargetChar((byte) c)) {
                return false;
            }
            if (c == '%' && (i + 2 >= n || HttpChars.hexValue(s.charAt(i + 1)) < 0
                    || HttpChars.hexValue(s.charAt(i + 2)) < 0)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The Content-Length of these fields, or -1 when there are none; repeated fields and lists
     * are accepted when every member is the same number (RFC 9110 8.6), as in HTTP/1.1.
     *
     * @throws HttpParseException for anything but digits, differing members or a number too large
     */
    public static long contentLength(List<String> fields) throws HttpParseException {
        return fields.isEmpty() ? -1 : FramingFields.contentLength(fields);
    }

    private static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t';
    }
}
