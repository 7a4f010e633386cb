package dev.minihttp.http2;

import static dev.minihttp.http2.FieldRules.malformed;

import dev.minihttp.http.FieldSyntax;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a request's decoded fields as they come out of the HPACK decoder, one at a time, and
 * builds the {@link Http2RequestHead} from them: RFC 9113 sections 8.1.1, 8.2 and 8.3, as strict
 * as the HTTP/1.1 parser. Anything malformed is a stream error PROTOCOL_ERROR naming the rule;
 * the connection goes on. One validator per field section.
 *
 * <pre>
 *   RequestHeaderValidator fields = new RequestHeaderValidator(streamId);
 *   decoder.decode(block, fields::header);   // throws at the first bad field
 *   Http2RequestHead head = fields.end();     // throws when something required is missing
 * </pre>
 *
 * Names and values are taken as decoded, one char per octet (ISO-8859-1).
 */
public final class RequestHeaderValidator {

    private final int streamId;
    private final HttpHeaders headers = new HttpHeaders();

    private String method;
    private String scheme;
    private String authority;
    private String path;
    private String host;
    private boolean regularSeen;
    private List<String> contentLengths;
    private int cookies;

    public RequestHeaderValidator(int streamId) {
        this.streamId = streamId;
    }

    /**
     * One decoded field, in the order of the block.
     *
     * @throws Http2Exception a stream error PROTOCOL_ERROR when the field makes the request malformed
     */
    public void header(String name, String value) throws Http2Exception {
        if (!name.isEmpty() && name.charAt(0) == ':') {
            pseudoHeader(name, value);
            return;
        }
        regularSeen = true;
        FieldRules.checkRegularField(streamId, name, value);
        switch (name) {
            case "host" -> {
                if (host != null) {
                    throw malformed(streamId, "several host fields");
                }
                if (!FieldSyntax.isAuthority(value)) {
                    throw malformed(streamId, "invalid host");
                }
                host = value;
            }
            case "content-length" -> {
                if (contentLengths == null) {
                    contentLengths = new ArrayList<>(1);
                }
                contentLengths.add(value);
            }
            case "cookie" -> cookies++;
            default -> {
            }
        }
        headers.add(name, value);
    }

    /** 8.3: only the four request pseudo-headers, each once, all before the regular fields. */
    private void pseudoHeader(String name, String value) throws Http2Exception {
        if (regularSeen) {
            throw malformed(streamId, "pseudo-header " + name + " after a regular field");
        }
        FieldRules.checkValue(streamId, name, value);
        switch (name) {
            case ":method" -> {
                if (method != null) {
                    throw duplicate(name);
                }
                if (!FieldSyntax.isToken(value)) {
                    throw malformed(streamId, "invalid :method");
                }
                method = value;
            }
            case ":scheme" -> {
                if (scheme != null) {
                    throw duplicate(name);
                }
                if (!isScheme(value)) {
                    throw malformed(streamId, "invalid :scheme");
                }
                scheme = value;
            }
            case ":authority" -> {
                if (authority != null) {
                    throw duplicate(name);
                }
                // userinfo is refused here (8.3.1), as in a Host field
                if (!FieldSyntax.isAuthority(value)) {
                    throw malformed(streamId, "invalid :authority");
                }
                authority = value;
            }
            case ":path" -> {
                if (path != null) {
                    throw duplicate(name);
                }
                path = value;
            }
            default -> throw malformed(streamId, "pseudo-header " + name + " not allowed in a request");
        }
    }

    /**
     * The request, once the whole block has been decoded.
     *
     * @throws Http2Exception a stream error PROTOCOL_ERROR when a required pseudo-header is
     *                        missing or the fields disagree
     */
    public Http2RequestHead end() throws Http2Exception {
        if (method == null) {
            throw malformed(streamId, "missing :method");
        }
        long contentLength = contentLength();
        if (method.equals("CONNECT")) {
            // 8.5: only :method and :authority; minihttp answers it as not supported
            if (scheme != null || path != null) {
                throw malformed(streamId, "CONNECT with :scheme or :path");
            }
            if (authority == null || !FieldSyntax.isAuthorityWithPort(authority)) {
                throw malformed(streamId, "CONNECT without host:port :authority");
            }
            return new Http2RequestHead(method, null, authority, null, null, null, joinedCookies(), contentLength);
        }
        if (scheme == null) {
            throw malformed(streamId, "missing :scheme");
        }
        if (path == null || path.isEmpty()) {
            throw malformed(streamId, "missing :path");
        }
        String query = null;
        String pathPart = path;
        if (path.equals("*")) {
            if (!method.equals("OPTIONS")) {
                throw malformed(streamId, ":path * for " + method);
            }
        } else {
            if (path.charAt(0) != '/' || !FieldSyntax.isTargetChars(path)) {
                throw malformed(streamId, "invalid :path");
            }
            int question = path.indexOf('?');
            if (question >= 0) {
                pathPart = path.substring(0, question);
                query = path.substring(question + 1);
            }
        }
        if (authority != null && host != null && !authority.equalsIgnoreCase(host)) {
            // 8.3.1: the two must name the same origin; case differences in the host are not a difference
            throw malformed(streamId, "host differs from :authority");
        }
        return new Http2RequestHead(method, scheme, authority != null ? authority : host, path, pathPart, query,
                joinedCookies(), contentLength);
    }

    private long contentLength() throws Http2Exception {
        if (contentLengths == null) {
            return -1;
        }
        try {
            // equal repeated values are one length, as in HTTP/1.1 (RFC 9110 8.6)
            return FieldSyntax.contentLength(contentLengths);
        } catch (HttpParseException e) {
            throw malformed(streamId, "invalid content-length");
        }
    }

    /** 8.2.3: a client may split cookie into one field per pair; applications expect one. */
    private HttpHeaders joinedCookies() {
        if (cookies < 2) {
            return headers;
        }
        return CookieFields.join(headers);
    }

    /** {@code scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )} (RFC 3986 3.1). */
    private static boolean isScheme(String s) {
        if (s.isEmpty() || !isAlpha(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private Http2Exception duplicate(String name) {
        return malformed(streamId, "duplicate " + name);
    }
}
