package dev.minihttp.http;

/**
 * Syntax check for {@code uri-host [ ":" port ]} (RFC 3986 section 3.2.2 and 3.2.3), as found in
 * the Host field, an absolute-form target or an authority-form target. Deliberately no DNS-level
 * rules: it only keeps out what cannot be a host, such as whitespace, '/', '@' or a second port.
 */
final class Authority {

    private static final int MAX_PORT_DIGITS = 5;

    private Authority() {
    }

    /**
     * @param requirePort whether the port must be present and non-empty (authority-form, RFC 9112
     *                    3.2.3); otherwise RFC 3986's {@code port = *DIGIT} applies
     */
    static boolean isValid(String s, boolean requirePort) {
        int hostEnd = s.startsWith("[") ? ipLiteralEnd(s) : regNameEnd(s);
        if (hostEnd <= 0) {
            return false;
        }
        if (hostEnd == s.length()) {
            return !requirePort;
        }
        if (s.charAt(hostEnd) != ':') {
            return false;
        }
        int digits = s.length() - hostEnd - 1;
        if (digits > MAX_PORT_DIGITS || (requirePort && digits == 0)) {
            return false;
        }
        for (int i = hostEnd + 1; i < s.length(); i++) {
            if (!HttpChars.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Index after the reg-name or IPv4 address, or -1 when a byte cannot belong to one. */
    private static int regNameEnd(String s) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || HttpChars.hexValue(s.charAt(i + 1)) < 0
                        || HttpChars.hexValue(s.charAt(i + 2)) < 0) {
                    return -1;
                }
                i += 3;
            } else if (HttpChars.isRegNameChar(c) && c != ',') {
                // ',' is a legal sub-delim, but in a Host it is the mark of two fields joined
                // into a list by some intermediary: refused rather than guessed at
                i++;
            } else {
                return c == ':' ? i : -1;
            }
        }
        return i;
    }

    /** Index after the closing ']' of an IPv6 literal, or -1. IPvFuture and zone ids are refused. */
    private static int ipLiteralEnd(String s) {
        int close = s.indexOf(']');
        if (close < 3) {
            return -1;
        }
        boolean colon = false;
        for (int i = 1; i < close; i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c != '.' && HttpChars.hexValue(c) < 0) {
                return -1;
            }
        }
        return colon ? close + 1 : -1;
    }
}
