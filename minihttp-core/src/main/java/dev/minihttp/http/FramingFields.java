package dev.minihttp.http;

import java.util.List;

/**
 * Reads Content-Length and Transfer-Encoding, the two fields that decide where a request body
 * ends (RFC 9112 section 6). Anything a second party could read differently is refused: this is
 * where request smuggling is stopped.
 */
final class FramingFields {

    /** 18 decimal digits always fit in a long, so no overflow check is needed below it. */
    private static final int MAX_LENGTH_DIGITS = 18;

    private FramingFields() {
    }

    /**
     * The Content-Length, or -1 when there is none. Repeated fields and lists are accepted only
     * when every member is the same number (RFC 9110 8.6).
     *
     * @throws HttpParseException 400 for anything but digits or for differing members; 413 for a
     *                            number too large for a long (no body that size will be accepted)
     */
    static long contentLength(List<String> fields) throws HttpParseException {
        long length = -1;
        for (String field : fields) {
            int start = 0;
            while (true) {
                int comma = field.indexOf(',', start);
                int end = comma < 0 ? field.length() : comma;
                long member = parseDecimal(field, trimStart(field, start, end), trimEnd(field, start, end));
                if (length >= 0 && member != length) {
                    throw new HttpParseException(400, "Conflicting Content-Length");
                }
                length = member;
                if (comma < 0) {
                    break;
                }
                start = comma + 1;
            }
        }
        return length;
    }

    private static long parseDecimal(String s, int start, int end) throws HttpParseException {
        if (start == end) {
            throw new HttpParseException(400, "Invalid Content-Length");
        }
        while (start < end - 1 && s.charAt(start) == '0') {
            start++;
        }
        long value = 0;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (!HttpChars.isDigit(c)) {
                throw new HttpParseException(400, "Invalid Content-Length");
            }
            value = value * 10 + (c - '0');
        }
        if (end - start > MAX_LENGTH_DIGITS) {
            // checked after the loop so that a malformed value still gets its 400
            throw new HttpParseException(413, "Request body larger than the limit");
        }
        return value;
    }

    /**
     * Whether the body is chunked. Every Transfer-Encoding field is read as one list (RFC 9110
     * 5.3); chunked must be its last member and appear once (RFC 9112 6.3), and as minihttp
     * decodes no other coding, any other member gets a 501 (RFC 9112 6.1).
     *
     * @return true when chunked; the caller only asks when the field is present
     */
    static boolean chunked(List<String> fields) throws HttpParseException {
        int chunked = 0;
        int others = 0;
        boolean chunkedLast = false;
        for (String field : fields) {
            int start = 0;
            while (start <= field.length()) {
                int comma = field.indexOf(',', start);
                int end = comma < 0 ? field.length() : comma;
                int from = trimStart(field, start, end);
                int to = trimEnd(field, start, end);
                if (from < to) {
                    if (isChunked(field, from, to)) {
                        chunked++;
                        chunkedLast = true;
                    } else {
                        checkCoding(field.substring(from, to));
                        others++;
                        chunkedLast = false;
                    }
                }
                start = end + 1;
            }
        }
        if (chunked == 0 && others == 0) {
            throw new HttpParseException(400, "Empty Transfer-Encoding");
        }
        if (chunked > 1) {
            throw new HttpParseException(400, "Transfer-Encoding chunked more than once");
        }
        if (!chunkedLast) {
            throw new HttpParseException(400, "Transfer-Encoding without final chunked");
        }
        if (others > 0) {
            throw new HttpParseException(501, "Transfer-Encoding not supported");
        }
        return true;
    }

    private static boolean isChunked(String s, int from, int to) throws HttpParseException {
        if (to - from == 7 && s.regionMatches(true, from, "chunked", 0, 7)) {
            return true;
        }
        // chunked takes no parameters; a parameterised one is not the coding a peer would see
        if (to - from > 7 && s.regionMatches(true, from, "chunked", 0, 7)
                && !HttpChars.isTchar(s.charAt(from + 7))) {
            throw new HttpParseException(400, "Invalid Transfer-Encoding");
        }
        return false;
    }

    /** transfer-coding = token *( OWS ";" OWS transfer-parameter ); parameters are only loosely checked. */
    private static void checkCoding(String coding) throws HttpParseException {
        int semicolon = coding.indexOf(';');
        String name = semicolon < 0 ? coding : coding.substring(0, trimEnd(coding, 0, semicolon));
        if (!HttpChars.isToken(name)) {
            throw new HttpParseException(400, "Invalid Transfer-Encoding");
        }
    }

    private static int trimStart(String s, int start, int end) {
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        return start;
    }

    private static int trimEnd(String s, int start, int end) {
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }
}
