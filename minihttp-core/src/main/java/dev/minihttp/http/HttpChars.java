package dev.minihttp.http;

/**
 * Byte classes of the HTTP grammar (RFC 9110 section 5.6, RFC 3986 section 2), as lookup tables:
 * the parsers test every byte of every request, so a table load beats a chain of comparisons.
 */
final class HttpChars {

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    private static final int TCHAR = 1;
    /** Bytes allowed anywhere in a request-target; '%' is checked for its two hex digits separately. */
    private static final int TARGET = 1 << 1;
    /** VCHAR and obs-text: what a field value holds besides SP and HTAB. */
    private static final int FIELD_VCHAR = 1 << 2;
    /** unreserved and sub-delims of RFC 3986: the bytes of a reg-name besides '%'. */
    private static final int REG_NAME = 1 << 3;
    /** FIELD_VCHAR, SP and HTAB: any byte inside a field value. */
    private static final int FIELD_CONTENT = 1 << 4;

    private static final byte[] CLASSES = new byte[256];
    private static final byte[] HEX_VALUES = new byte[256];

    static {
        for (int c = 'a'; c <= 'z'; c++) {
            mark(c, TCHAR | TARGET | REG_NAME);
            mark(c - 'a' + 'A', TCHAR | TARGET | REG_NAME);
        }
        for (int c = '0'; c <= '9'; c++) {
            mark(c, TCHAR | TARGET | REG_NAME);
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            mark(c, TCHAR);
        }
        // pchar, "/" and "?" of RFC 3986, plus "[" and "]" for IP literals in absolute-form (and
        // because clients send them raw in queries); "#" is left out: a fragment is never sent.
        for (char c : "-._~!$&'()*+,;=:@/?%[]".toCharArray()) {
            mark(c, TARGET);
        }
        for (char c : "-._~!$&'()*+,;=".toCharArray()) {
            mark(c, REG_NAME);
        }
        for (int c = 0x21; c <= 0xFF; c++) {
            if (c != 0x7F) {
                mark(c, FIELD_VCHAR | FIELD_CONTENT);
            }
        }
        mark(SP, FIELD_CONTENT);
        mark(HTAB, FIELD_CONTENT);
        java.util.Arrays.fill(HEX_VALUES, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX_VALUES[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX_VALUES[c] = (byte) (c - 'a' + 10);
            HEX_VALUES[c - 'a' + 'A'] = (byte) (c - 'a' + 10);
        }
    }

    private HttpChars() {
    }

    private static void mark(int c, int classes) {
        CLASSES[c] |= (byte) classes;
    }

    static boolean isTchar(byte b) {
        return (CLASSES[b & 0xFF] & TCHAR) != 0;
    }

    static boolean isTargetChar(byte b) {
        return (CLASSES[b & 0xFF] & TARGET) != 0;
    }

    static boolean isFieldVchar(byte b) {
        return (CLASSES[b & 0xFF] & FIELD_VCHAR) != 0;
    }

    static boolean isFieldContent(byte b) {
        return (CLASSES[b & 0xFF] & FIELD_CONTENT) != 0;
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    static boolean isTchar(char c) {
        return c < 0x80 && isTchar((byte) c);
    }

    static boolean isRegNameChar(char c) {
        return c < 0x80 && (CLASSES[c] & REG_NAME) != 0;
    }

    /** The value of a hex digit, or -1. */
    static int hexValue(byte b) {
        return HEX_VALUES[b & 0xFF];
    }

    static int hexValue(char c) {
        return c < 0x80 ? HEX_VALUES[c] : -1;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
