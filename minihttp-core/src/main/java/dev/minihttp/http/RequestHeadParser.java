package dev.minihttp.http;

import static dev.minihttp.http.HttpChars.CR;
import static dev.minihttp.http.HttpChars.LF;
import static dev.minihttp.http.HttpChars.SP;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental, strict parser for a request head (RFC 9110/9112). Bytes arrive in whatever
 * pieces the socket delivers; {@link #parse(ByteBuffer)} consumes them and returns the head once
 * the blank line after the last header field has been read. One instance per connection, reused
 * for every request on it through {@link #reset()}.
 *
 * <p>Rejects as early as it can: an invalid byte in the method or target is refused when it
 * arrives, not when the line ends, so garbage such as a TLS ClientHello gets its 400 at once.
 *
 * <p>An {@code Expect} other than {@code 100-continue} is answered with 417 (RFC 9110 10.1.1 lets
 * a server do so); on HTTP/1.0 the field is ignored, as that section requires.
 */
public final class RequestHeadParser {

    /** RFC 9112 2.2 asks servers to skip at least one; a few more tolerate sloppy clients. */
    private static final int MAX_LEADING_EMPTY_LINES = 8;

    private static final int LEADING = 0;
    private static final int LEADING_LF = 1;
    private static final int METHOD = 2;
    private static final int TARGET_START = 3;
    private static final int TARGET = 4;
    private static final int PERCENT_1 = 5;
    private static final int PERCENT_2 = 6;
    private static final int VERSION = 7;
    private static final int VERSION_LF = 8;
    private static final int FIELDS = 9;
    private static final int COMPLETE = 10;

    private static final byte[] VERSION_PREFIX = "HTTP/".getBytes(StandardCharsets.US_ASCII);
    /** "HTTP/" digit "." digit */
    private static final int VERSION_LENGTH = 8;

    private static final String[] KNOWN_METHODS = {
        "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"
    };

    private final ParserLimits limits;
    private final FieldSectionReader fieldReader = new FieldSectionReader();

    /** The request line without its CRLF, bounded by maxHeadBytes. */
    private byte[] line;
    private int length;
    /** Bytes of the request line consumed so far, CRLF included, leading empty lines not. */
    private int lineBytes;
    private int methodEnd;
    private int targetEnd;
    private int versionStart;

    private int state;
    private int emptyLines;
    private boolean partial;
    private String method;
    private String target;
    private RequestTarget parsedTarget;
    private HttpVersion version;
    private HttpHeaders headers;
    private HttpParseException failure;

    public RequestHeadParser(ParserLimits limits) {
        this.limits = limits;
        this.line = new byte[Math.min(limits.maxHeadBytes(), 256)];
        reset();
    }

    /**
     * Consumes bytes from {@code buffer} (advancing its position) up to and including the end of
     * the head. Returns the head when it is complete, leaving any following bytes (body, next
     * pipelined request) unread in the buffer; returns null when every remaining byte was consumed
     * and more are needed.
     *
     * @throws HttpParseException when the head is malformed or exceeds a limit; the parser is then
     *                            unusable until {@link #reset()}
     * @throws IllegalStateException when called again after returning a head, without {@link #reset()}
     */
    public RequestHead parse(ByteBuffer buffer) throws HttpParseException {
        if (failure != null) {
            throw failure;
        }
        if (state == COMPLETE) {
            throw new IllegalStateException("reset() before parsing the next request");
        }
        try {
            if (state != FIELDS && !readRequestLine(buffer)) {
                return null;
            }
            if (!fieldReader.read(buffer)) {
                return null;
            }
            RequestHead head = buildHead();
            state = COMPLETE;
            return head;
        } catch (HttpParseException e) {
            failure = e;
            throw e;
        }
    }

    /** Whether any byte of the next request has been consumed (used to tell idle from slow). */
    public boolean hasPartialHead() {
        return partial;
    }

    /** Prepares for the next request on the same connection. */
    public void reset() {
        state = LEADING;
        length = 0;
        lineBytes = 0;
        emptyLines = 0;
        partial = false;
        method = null;
        target = null;
        parsedTarget = null;
        version = null;
        headers = null;
        failure = null;
    }

    private boolean readRequestLine(ByteBuffer buffer) throws HttpParseException {
        int pos = buffer.position();
        int limit = buffer.limit();
        int state = this.state;
        // the head must still hold at least the empty line that ends it
        int maxLineBytes = limits.maxHeadBytes() - 2;
        try {
            while (pos < limit && state != FIELDS) {
                byte b = buffer.get(pos++);
                partial = true;
                if (state == LEADING) {
                    if (b == CR) {
                        state = LEADING_LF;
                        continue;
                    }
                    if (b == LF) {
                        throw FieldSectionReader.bareLf();
                    }
                    state = METHOD;
                } else if (state == LEADING_LF) {
                    if (b != LF) {
                        throw FieldSectionReader.bareCr();
                    }
                    if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                        throw new HttpParseException(400, "Too many empty lines before request line");
                    }
                    state = LEADING;
                    continue;
                }
                if (++lineBytes > maxLineBytes) {
                    throw new HttpParseException(414, "Request line longer than the limit");
                }
                switch (state) {
                    case METHOD -> {
                        if (b == SP) {
                            if (length == 0) {
                                throw new HttpParseException(400, "Empty method");
                            }
                            methodEnd = length;
                            state = TARGET_START;
                        } else if (!HttpChars.isTchar(b)) {
                            throw new HttpParseException(400, "Invalid method");
                        }
                        append(b);
                    }
                    case TARGET -> {
                        state = targetByte(b);
                        append(b);
                    }
                    case PERCENT_1, PERCENT_2 -> {
                        if (HttpChars.hexValue(b) < 0) {
                            throw new HttpParseException(400, "Invalid percent-encoding in request target");
                        }
                        state = state == PERCENT_1 ? PERCENT_2 : TARGET;
                        append(b);
                    }
                    case TARGET_START -> {
                        if (b == SP) {
                            throw new HttpParseException(400, "Invalid request line");
                        }
                        state = targetByte(b);
                        append(b);
                    }
                    case VERSION -> {
                        int index = length - versionStart;
                        if (b == CR && index == VERSION_LENGTH) {
                            state = VERSION_LF;
                        } else if (isVersionByte(b, index)) {
                            append(b);
                        } else {
                            throw new HttpParseException(400, "Invalid HTTP version");
                        }
                    }
                    case VERSION_LF -> {
                        if (b != LF) {
                            throw FieldSectionReader.bareCr();
                        }
                        endRequestLine();
                        state = FIELDS;
                    }
                    default -> throw new IllegalStateException("state " + state);
                }
            }
            return state == FIELDS;
        } finally {
            this.state = state;
            buffer.position(pos);
        }
    }

    private int targetByte(byte b) throws HttpParseException {
        if (b == '%') {
            return PERCENT_1;
        }
        if (b == SP) {
            targetEnd = length;
            versionStart = length + 1;
            return VERSION;
        }
        if (HttpChars.isTargetChar(b)) {
            return TARGET;
        }
        if (b == '#') {
            throw new HttpParseException(400, "Fragment in request target");
        }
        if (b == CR || b == LF) {
            throw new HttpParseException(400, "Missing HTTP version");
        }
        throw new HttpParseException(400, "Invalid character in request target");
    }

    private static boolean isVersionByte(byte b, int index) {
        if (index < VERSION_PREFIX.length) {
            return b == VERSION_PREFIX[index];
        }
        if (index == VERSION_PREFIX.length + 1) {
            return b == '.';
        }
        return index < VERSION_LENGTH && b >= '0' && b <= '9';
    }

    private void append(byte b) {
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(length * 2, limits.maxHeadBytes()));
        }
        line[length++] = b;
    }

    private void endRequestLine() throws HttpParseException {
        byte major = line[versionStart + 5];
        byte minor = line[versionStart + 7];
        if (major == '1' && minor == '1') {
            version = HttpVersion.HTTP_1_1;
        } else if (major == '1' && minor == '0') {
            version = HttpVersion.HTTP_1_0;
        } else {
            throw new HttpParseException(505, "Only HTTP/1.0 and HTTP/1.1 are supported");
        }
        method = methodString();
        int targetStart = methodEnd + 1;
        target = new String(line, targetStart, targetEnd - targetStart, StandardCharsets.ISO_8859_1);
        parsedTarget = RequestTarget.parse(method, target);
        headers = new HttpHeaders();
        fieldReader.start(headers, limits.maxHeadBytes() - lineBytes, limits.maxHeaderCount());
    }

    private String methodString() {
        for (String known : KNOWN_METHODS) {
            if (known.length() == methodEnd && matches(known)) {
                return known;
            }
        }
        return new String(line, 0, methodEnd, StandardCharsets.US_ASCII);
    }

    private boolean matches(String known) {
        for (int i = 0; i < methodEnd; i++) {
            if (line[i] != known.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private RequestHead buildHead() throws HttpParseException {
        boolean http11 = version == HttpVersion.HTTP_1_1;
        String host = host(http11);

        BodyFraming framing = BodyFraming.NONE;
        long contentLength = 0;
        List<String> transferEncodings = headers.getAll("Transfer-Encoding");
        List<String> contentLengths = headers.getAll("Content-Length");
        if (!transferEncodings.isEmpty()) {
            if (!http11) {
                // an HTTP/1.0 peer may not know chunked, so the framing is ambiguous (RFC 9112 6.1)
                throw new HttpParseException(400, "Transfer-Encoding in HTTP/1.0 request");
            }
            if (!contentLengths.isEmpty()) {
                throw new HttpParseException(400, "Both Transfer-Encoding and Content-Length");
            }
            FramingFields.chunked(transferEncodings);
            framing = BodyFraming.CHUNKED;
            contentLength = -1;
        } else if (!contentLengths.isEmpty()) {
            contentLength = FramingFields.contentLength(contentLengths);
            if (contentLength > limits.maxBodyBytes()) {
                throw new HttpParseException(413, "Request body larger than the limit");
            }
            framing = BodyFraming.CONTENT_LENGTH;
        }

        boolean keepAlive = http11
                ? !headers.containsToken("Connection", "close")
                : headers.containsToken("Connection", "keep-alive") && !headers.containsToken("Connection", "close");
        boolean expectContinue = http11 && expectsContinue();

        return new RequestHead(method, target, parsedTarget.path(), parsedTarget.query(), version, headers,
                host, framing, contentLength, keepAlive, expectContinue);
    }

    /** RFC 9112 3.2: one Host on HTTP/1.1, at most one on 1.0; an absolute-form authority wins. */
    private String host(boolean http11) throws HttpParseException {
        List<String> hosts = headers.getAll("Host");
        if (hosts.size() > 1) {
            throw new HttpParseException(400, "Multiple Host fields");
        }
        if (hosts.isEmpty()) {
            if (http11) {
                throw new HttpParseException(400, "Missing Host");
            }
            return parsedTarget.authority();
        }
        String value = hosts.get(0);
        String authority = parsedTarget.authority();
        if (value.isEmpty() ? authority == null : !Authority.isValid(value, false)) {
            throw new HttpParseException(400, "Invalid Host");
        }
        return authority != null ? authority : value;
    }

    private boolean expectsContinue() throws HttpParseException {
        List<String> expectations = headers.getAll("Expect");
        if (expectations.isEmpty()) {
            return false;
        }
        for (String expectation : expectations) {
            for (String member : expectation.split(",", -1)) {
                if (!member.strip().equalsIgnoreCase("100-continue")) {
                    throw new HttpParseException(417, "Only 100-continue is supported");
                }
            }
        }
        return true;
    }
}
