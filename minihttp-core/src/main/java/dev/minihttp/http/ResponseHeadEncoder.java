package dev.minihttp.http;

/**
 * Serialises a status line and header fields into bytes. minihttp always answers with
 * {@code HTTP/1.1} in the status line (RFC 9110 section 6.2), also to HTTP/1.0 clients.
 */
public final class ResponseHeadEncoder {

    private static final String STATUS_LINE_START = "HTTP/1.1 ";

    private ResponseHeadEncoder() {
    }

    /**
     * Returns {@code HTTP/1.1 <status> <reason>\r\n}, each field as {@code name: value\r\n}, then the
     * blank line, as US-ASCII bytes (values are written as ISO-8859-1, as RFC 9110 allows).
     *
     * @param reason the reason phrase; null means {@link HttpStatus#reasonPhrase(int)}
     * @throws IllegalArgumentException when a status is outside 100..999, a name is not a token, or a
     *                                  name or value holds CR, LF or another control byte other than
     *                                  HTAB (response splitting)
     */
    public static byte[] encode(int status, String reason, HttpHeaders headers) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("Status out of range: " + status);
        }
        String phrase = reason != null ? reason : HttpStatus.reasonPhrase(status);
        checkText(phrase, "reason phrase");
        // validate everything and size the array in one pass, then write without bounds surprises
        int size = STATUS_LINE_START.length() + 3 + 1 + phrase.length() + 2 + 2;
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            String value = headers.value(i);
            if (!HttpChars.isToken(name)) {
                throw new IllegalArgumentException("Invalid header name: " + printable(name));
            }
            checkText(value, "value of header " + name);
            size += name.length() + 2 + value.length() + 2;
        }

        byte[] out = new byte[size];
        int at = put(out, 0, STATUS_LINE_START);
        out[at++] = (byte) ('0' + status / 100);
        out[at++] = (byte) ('0' + status / 10 % 10);
        out[at++] = (byte) ('0' + status % 10);
        out[at++] = ' ';
        at = put(out, at, phrase);
        at = crlf(out, at);
        for (int i = 0, n = headers.size(); i < n; i++) {
            at = put(out, at, headers.name(i));
            out[at++] = ':';
            out[at++] = ' ';
            at = put(out, at, headers.value(i));
            at = crlf(out, at);
        }
        crlf(out, at);
        return out;
    }

    /** field-value and reason-phrase share one alphabet: HTAB, SP, VCHAR and obs-text. */
    private static void checkText(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                throw new IllegalArgumentException("Invalid character in " + what + ": " + printable(text));
            }
        }
    }

    /** Keeps a hostile value from splitting the log line that reports it. */
    private static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    private static int put(byte[] out, int at, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            out[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    private static int crlf(byte[] out, int at) {
        out[at] = '\r';
        out[at + 1] = '\n';
        return at + 2;
    }
}
