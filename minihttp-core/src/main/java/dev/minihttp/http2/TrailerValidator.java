package dev.minihttp.http2;

import dev.minihttp.http.HttpHeaders;

/**
 * Checks the decoded fields of a request's trailer section (a HEADERS after the DATA, with
 * END_STREAM, RFC 9113 8.1): the rules of every field, and no pseudo-headers at all (8.1).
 * Whether a HEADERS is trailers, and that it ends the stream, is the engine's to know.
 */
public final class TrailerValidator {

    private final int streamId;
    private final HttpHeaders trailers = new HttpHeaders(4);

    public TrailerValidator(int streamId) {
        this.streamId = streamId;
    }

    /** @throws Http2Exception a stream error PROTOCOL_ERROR when the field makes the trailers malformed */
    public void header(String name, String value) throws Http2Exception {
        if (!name.isEmpty() && name.charAt(0) == ':') {
            throw FieldRules.malformed(streamId, "pseudo-header " + name + " in trailers");
        }
        FieldRules.checkRegularField(streamId, name, value);
        trailers.add(name, value);
    }

    /** The trailer fields in wire order. */
    public HttpHeaders end() {
        return trailers;
    }
}
