package dev.minihttp.http;

/**
 * The request-target split by its form (RFC 9112 section 3.2). Its bytes have already been
 * checked one by one by the parser; this decides which form they make and whether the method
 * allows that form.
 *
 * @param authority the authority of an absolute-form target, else null
 */
record RequestTarget(String path, String query, String authority) {

    private static final RequestTarget ASTERISK = new RequestTarget("*", null, null);

    static RequestTarget parse(String method, String target) throws HttpParseException {
        boolean connect = method.equals("CONNECT");
        if (connect) {
            // authority-form is only for CONNECT, and CONNECT takes nothing else (RFC 9112 3.2.3)
            if (!Authority.isValid(target, true)) {
                throw invalid();
            }
            return new RequestTarget(target, null, null);
        }
        if (target.charAt(0) == '/') {
            return splitQuery(target, 0, null);
        }
        if (target.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw invalid();
            }
            return ASTERISK;
        }
        int authorityStart = schemeEnd(target);
        if (authorityStart < 0) {
            throw invalid();
        }
        int authorityEnd = authorityStart;
        while (authorityEnd < target.length() && target.charAt(authorityEnd) != '/'
                && target.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = target.substring(authorityStart, authorityEnd);
        // userinfo is refused outright (RFC 9110 4.2.4), as is an empty host (RFC 9110 4.2.1)
        if (!Authority.isValid(authority, false)) {
            throw invalid();
        }
        return splitQuery(target, authorityEnd, authority);
    }

    private static RequestTarget splitQuery(String target, int pathStart, String authority) {
        int question = target.indexOf('?', pathStart);
        int pathEnd = question < 0 ? target.length() : question;
        String path = pathEnd == pathStart ? "/" : target.substring(pathStart, pathEnd);
        String query = question < 0 ? null : target.substring(question + 1);
        return new RequestTarget(path, query, authority);
    }

    /** Index after "http://" or "https://" (scheme compared ignoring case), or -1. */
    private static int schemeEnd(String target) {
        if (target.regionMatches(true, 0, "http://", 0, 7)) {
            return 7;
        }
        if (target.regionMatches(true, 0, "https://", 0, 8)) {
            return 8;
        }
        return -1;
    }

    private static HttpParseException invalid() {
        return new HttpParseException(400, "Invalid request target");
    }
}
