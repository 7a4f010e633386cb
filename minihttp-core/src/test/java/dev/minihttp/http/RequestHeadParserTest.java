package dev.minihttp.http;

import static dev.minihttp.http.Wire.buffer;
import static dev.minihttp.http.Wire.bytes;
import static dev.minihttp.http.Wire.statusOf;
import static dev.minihttp.http.Wire.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadParserTest {

    private static final ParserLimits LIMITS = new ParserLimits(8192, 100, 1_000_000);

    // ---- helpers ----------------------------------------------------------------------------

    static RequestHead parse(String request) throws HttpParseException {
        return parse(LIMITS, request);
    }

    static RequestHead parse(ParserLimits limits, String request) throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(limits);
        ByteBuffer in = buffer(request);
        RequestHead head = parser.parse(in);
        assertThat(head).as("complete head").isNotNull();
        assertThat(in.hasRemaining()).as("bytes left after the head").isFalse();
        return head;
    }

    /** Feeds {@code request} one byte per buffer until the parser answers, and returns its status. */
    static int statusByteByByte(ParserLimits limits, String request) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        return statusOf(() -> {
            for (byte b : bytes(request)) {
                assertThat(parser.parse(ByteBuffer.wrap(new byte[] {b}))).isNull();
            }
        });
    }

    /** Rejected with {@code status}, whether the request arrives whole or one byte at a time. */
    static void assertRejected(String request, int status) {
        assertRejected(LIMITS, request, status);
    }

    static void assertRejected(ParserLimits limits, String request, int status) {
        assertThat(statusOf(() -> new RequestHeadParser(limits).parse(buffer(request))))
                .as("status for whole request %s", printable(request)).isEqualTo(status);
        assertThat(statusByteByByte(limits, request))
                .as("status byte by byte for %s", printable(request)).isEqualTo(status);
    }

    static String printable(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** Everything a head holds, as text, so that heads from different feeds can be compared. */
    static String describe(RequestHead h) {
        return String.join("|", h.method(), h.target(), h.path(), String.valueOf(h.query()),
                h.version().text(), String.valueOf(h.host()), h.framing().name(), Long.toString(h.contentLength()),
                Boolean.toString(h.keepAlive()), Boolean.toString(h.expectContinue()), h.headers().toString());
    }

    /** CSV rows cannot hold a line break, so they spell it as backslash-r backslash-n. */
    static String crlf(String csv) {
        return csv.replace("\\r\\n", "\r\n");
    }

    static String get(String target, String... fields) {
        StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: example.com\r\n");
        for (String field : fields) {
            request.append(field).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    static String withFields(String... fields) {
        return get("/", fields);
    }

    // ---- valid requests, any split ------------------------------------------------------------

    static Stream<String> validRequests() {
        return Stream.of(
                "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
                "GET /a/b?x=1&y=%20z HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\n\r\n",
                "\r\n\r\nGET / HTTP/1.0\r\n\r\n",
                "POST /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
                "PUT /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                "GET http://example.org/p?q HTTP/1.1\r\nHost: other\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
                "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
                "GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Spaces: \t a  b \t\r\nX-Latin: caf\u00e9\r\n\r\n",
                "M-SEARCH * HTTP/1.1\r\nHost: h\r\n\r\n".replace("M-SEARCH *", "M-SEARCH /"));
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void sameHeadWhateverTheSplit(String request) throws HttpParseException {
        String expected = describe(parse(request));
        byte[] data = bytes(request);

        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        RequestHead head = null;
        for (int i = 0; i < data.length; i++) {
            assertThat(head).as("head complete before its last byte").isNull();
            ByteBuffer one = ByteBuffer.wrap(data, i, 1);
            head = parser.parse(one);
            assertThat(one.hasRemaining()).isFalse();
        }
        assertThat(head).isNotNull();
        assertThat(describe(head)).isEqualTo(expected);

        for (int cut = 1; cut < data.length; cut++) {
            parser.reset();
            ByteBuffer first = Wire.buffer(data, 0, cut);
            assertThat(parser.parse(first)).isNull();
            assertThat(first.hasRemaining()).isFalse();
            assertThat(parser.hasPartialHead()).isTrue();
            RequestHead split = parser.parse(Wire.buffer(data, cut, data.length));
            assertThat(split).as("split at %d", cut).isNotNull();
            assertThat(describe(split)).as("split at %d", cut).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void leavesTheBytesAfterTheHead(String request) throws HttpParseException {
        String next = "hello GET / HTTP/1.1\r\n";
        ByteBuffer in = buffer(request + next);
        RequestHead head = new RequestHeadParser(LIMITS).parse(in);
        assertThat(head).isNotNull();
        assertThat(text(in)).isEqualTo(next);
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void sameHeadFromDirectSlicedAndReadOnlyBuffers(String request) throws HttpParseException {
        String expected = describe(parse(request));
        byte[] data = bytes(request + "rest");
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        ByteBuffer padded = ByteBuffer.wrap(bytes("xx" + request + "rest"));
        ByteBuffer sliced = padded.position(2).slice();
        ByteBuffer readOnly = ByteBuffer.wrap(data).asReadOnlyBuffer();
        for (ByteBuffer in : new ByteBuffer[] {direct, sliced, readOnly}) {
            RequestHead head = new RequestHeadParser(LIMITS).parse(in);
            assertThat(describe(head)).isEqualTo(expected);
            assertThat(text(in)).isEqualTo("rest");
        }
    }

    @Test
    void readsASimpleRequest() throws HttpParseException {
        RequestHead head = parse("GET /index.html?lang=en HTTP/1.1\r\nHost: example.com\r\n"
                + "User-Agent: test\r\naccept: text/html\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n");
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.target()).isEqualTo("/index.html?lang=en");
        assertThat(head.path()).isEqualTo("/index.html");
        assertThat(head.query()).isEqualTo("lang=en");
        assertThat(head.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(head.host()).isEqualTo("example.com");
        assertThat(head.framing()).isEqualTo(BodyFraming.NONE);
        assertThat(head.contentLength()).isZero();
        assertThat(head.keepAlive()).isTrue();
        assertThat(head.expectContinue()).isFalse();
        assertThat(head.isHead()).isFalse();
        HttpHeaders headers = head.headers();
        assertThat(headers.size()).isEqualTo(5);
        assertThat(headers.name(2)).isEqualTo("accept");
        assertThat(headers.get("ACCEPT")).isEqualTo("text/html");
        assertThat(headers.getAll("X-Multi")).containsExactly("1", "2");
        assertThat(headers.name(4)).isEqualTo("x-multi");
    }

    @Test
    void knownMethodsAreSharedConstants() throws HttpParseException {
        assertThat(parse(get("/")).method()).isSameAs("GET");
        assertThat(parse("HEAD / HTTP/1.1\r\nHost: h\r\n\r\n").isHead()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "PROPFIND", "M-SEARCH", "X!#$%&'*+-.^_`|~9"})
    void anyTokenIsAMethodAndCaseIsKept(String method) throws HttpParseException {
        assertThat(parse(method + " / HTTP/1.1\r\nHost: h\r\n\r\n").method()).isEqualTo(method);
    }

    @Test
    void pipelinedRequestsAreReadOneAtATime() throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        ByteBuffer in = buffer(get("/first") + "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
                + get("/third"));
        assertThat(parser.parse(in).path()).isEqualTo("/first");
        parser.reset();
        RequestHead second = parser.parse(in);
        assertThat(second.path()).isEqualTo("/second");
        assertThat(second.contentLength()).isEqualTo(2);
        in.position(in.position() + 2);
        parser.reset();
        assertThat(parser.parse(in).path()).isEqualTo("/third");
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void eachRequestGetsItsOwnHeaders() throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        ByteBuffer in = buffer(get("/1", "A: 1") + get("/2", "B: 2"));
        RequestHead first = parser.parse(in);
        parser.reset();
        parser.parse(in);
        assertThat(first.headers().get("A")).isEqualTo("1");
        assertThat(first.headers().contains("B")).isFalse();
    }

    // ---- state: partial, reset, failure ------------------------------------------------------

    @Test
    void tellsIdleFromPartial() throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        assertThat(parser.hasPartialHead()).isFalse();
        assertThat(parser.parse(ByteBuffer.allocate(0))).isNull();
        assertThat(parser.hasPartialHead()).isFalse();
        assertThat(parser.parse(buffer("\r"))).isNull();
        assertThat(parser.hasPartialHead()).as("a leading CR counts").isTrue();
        parser.reset();
        assertThat(parser.hasPartialHead()).isFalse();
        assertThat(parser.parse(buffer("G"))).isNull();
        assertThat(parser.hasPartialHead()).isTrue();
        assertThat(parser.parse(buffer("ET / HTTP/1.1\r\nHost: h\r\n\r\n"))).isNotNull();
        parser.reset();
        assertThat(parser.hasPartialHead()).isFalse();
    }

    @Test
    void staysFailedUntilReset() throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        assertThat(statusOf(() -> parser.parse(buffer("G\u0001")))).isEqualTo(400);
        assertThat(statusOf(() -> parser.parse(buffer(get("/"))))).isEqualTo(400);
        parser.reset();
        assertThat(parser.parse(buffer(get("/")))).isNotNull();
    }

    @Test
    void refusesToParseTwiceWithoutReset() throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        ByteBuffer in = buffer(get("/") + get("/"));
        parser.parse(in);
        assertThatThrownBy(() -> parser.parse(in)).isInstanceOf(IllegalStateException.class);
    }

    // ---- leading empty lines and line endings ---------------------------------------------------

    @Test
    void skipsUpToEightEmptyLinesBeforeTheRequestLine() throws HttpParseException {
        assertThat(parse("\r\n".repeat(8) + get("/")).path()).isEqualTo("/");
        assertRejected("\r\n".repeat(9) + get("/"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\nb\r\n\r\n",
        "\rGET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1\rHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\rX: y\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\rX",
        "GET / HTTP/1.1\r\r\nHost: h\r\n\r\n",
    })
    void onlyCrlfEndsALine(String request) {
        assertRejected(request, 400);
    }

    // ---- request line ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        " GET / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET  / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /  HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET / HTTP/1.1 \r\nHost: h\r\n\r\n",
        "GET\t/ HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /\tHTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /\r\nHost: h\r\n\r\n",
        "GET / \r\nHost: h\r\n\r\n",
        "GET\r\n\r\n",
        "GET /\r\n\r\n",
        "G(T / HTTP/1.1\r\nHost: h\r\n\r\n",
        "GE:T / HTTP/1.1\r\nHost: h\r\n\r\n",
        "G\u00c9T / HTTP/1.1\r\nHost: h\r\n\r\n",
    })
    void requestLineUsesSingleSpaces(String request) {
        assertRejected(request, 400);
    }

    @Test
    void tlsClientHelloIsRefusedAtItsFirstByte() {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        ByteBuffer hello = ByteBuffer.wrap(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc});
        assertThat(statusOf(() -> parser.parse(hello))).isEqualTo(400);
        assertThat(hello.position()).as("consumed at most the first byte").isLessThanOrEqualTo(1);

        RequestHeadParser oneByte = new RequestHeadParser(LIMITS);
        assertThat(statusOf(() -> oneByte.parse(ByteBuffer.wrap(new byte[] {0x16})))).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0016", "\u007f", "\u0080", "\u00ff", "(", "\"", "/", ",", "{"})
    void invalidMethodByteIsRefusedWhenItArrives(String invalid) {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        assertThat(statusOf(() -> parser.parse(buffer("GE" + invalid)))).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0001", "\t", "\u007f", "\u0080", "\u00ff", "\"", "<", ">", "\\", "^", "`",
        "{", "|", "}", "#"})
    void invalidTargetByteIsRefusedWhenItArrives(String invalid) {
        RequestHeadParser parser = new RequestHeadParser(LIMITS);
        assertThat(statusOf(() -> parser.parse(buffer("GET /a" + invalid)))).isEqualTo(400);
        assertRejected(get("/a" + invalid + "b"), 400);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1|HTTP_1_1",
        "HTTP/1.0|HTTP_1_0",
    })
    void acceptsHttp10And11(String version, HttpVersion expected) throws HttpParseException {
        assertThat(parse("GET / " + version + "\r\nHost: h\r\n\r\n").version()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/1.2", "HTTP/3.0", "HTTP/9.9"})
    void otherWellFormedVersionsAreNotSupported(String version) {
        assertRejected("GET / " + version + "\r\nHost: h\r\n\r\n", 505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http/1.1", "HTTP/1.10", "HTTP/01.1", "HTTP/1", "HTTP/11", "HTTP/1.1x", "HTTP 1.1",
        "HTTP/a.1", "HTTP/1,1", "HTTPS/1.1", "HTTP/", "H", "HTTP/1.1/"})
    void malformedVersionsAreBadRequests(String version) {
        assertRejected("GET / " + version + "\r\nHost: h\r\n\r\n", 400);
    }

    // ---- request target ------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "/|/|NULL",
        "/a/b/c|/a/b/c|NULL",
        "/a?|/a|''",
        "/a?b=1|/a|b=1",
        "/a?b?c|/a|b?c",
        "/?|/|''",
        "/%41%2f|/%41%2f|NULL",
        "/a?q=%2F|/a|q=%2F",
        "//double|//double|NULL",
        "/p;x=1,y@z:w!$&'()*+=-._~|/p;x=1,y@z:w!$&'()*+=-._~|NULL",
        "/a?x[]=1&y[0]=2|/a|x[]=1&y[0]=2",
    })
    void originForm(String target, String path, String query) throws HttpParseException {
        RequestHead head = parse(get(target));
        assertThat(head.target()).isEqualTo(target);
        assertThat(head.path()).isEqualTo(path);
        assertThat(head.query()).isEqualTo(query);
        assertThat(head.host()).isEqualTo("example.com");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "http://example.org/a?b|example.org|/a|b",
        "http://example.org|example.org|/|NULL",
        "HTTP://Example.org:8080|Example.org:8080|/|NULL",
        "https://example.org/|example.org|/|NULL",
        "hTTpS://example.org/x/y|example.org|/x/y|NULL",
        "http://example.org?q|example.org|/|q",
        "http://[::1]:8080/p|[::1]:8080|/p|NULL",
        "http://10.0.0.1/|10.0.0.1|/|NULL",
    })
    void absoluteFormAuthorityWinsOverHost(String target, String host, String path, String query)
            throws HttpParseException {
        RequestHead head = parse("GET " + target + " HTTP/1.1\r\nHost: other.example\r\n\r\n");
        assertThat(head.host()).isEqualTo(host);
        assertThat(head.path()).isEqualTo(path);
        assertThat(head.query()).isEqualTo(query);
        assertThat(head.headers().get("Host")).isEqualTo("other.example");
    }

    @Test
    void absoluteFormStillNeedsHostOnHttp11ButMayLeaveItEmpty() throws HttpParseException {
        assertRejected("GET http://example.org/ HTTP/1.1\r\n\r\n", 400);
        assertThat(parse("GET http://example.org/ HTTP/1.1\r\nHost:\r\n\r\n").host()).isEqualTo("example.org");
        assertThat(parse("GET http://example.org/ HTTP/1.0\r\n\r\n").host()).isEqualTo("example.org");
    }

    @Test
    void authorityFormOnlyForConnect() throws HttpParseException {
        RequestHead head = parse("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        assertThat(head.path()).isEqualTo("example.com:443");
        assertThat(head.query()).isNull();
        assertThat(head.host()).isEqualTo("example.com:443");
        assertRejected("GET example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("CONNECT example.com HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("CONNECT example.com: HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("CONNECT http://example.com:443/ HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("CONNECT u@example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    }

    @Test
    void asteriskFormOnlyForOptions() throws HttpParseException {
        RequestHead head = parse("OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(head.path()).isEqualTo("*");
        assertThat(head.query()).isNull();
        assertRejected("GET * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("options * HTTP/1.1\r\nHost: h\r\n\r\n", 400);
        assertRejected("OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a/b", "?x", "%2F", "ftp://example.org/", "http:/example.org/", "http://", "http:///x", "http://?q",
        "http://user@example.org/", "http://user:pw@example.org/", "http://:80/", "http://example.org:8x/",
        "http://example.org:123456/", "http://[zz]/", "http://ex%zzample/", "example.org", "/a%", "/a%4",
        "/a%zz", "/a%4g", "/%%", "/a?%G0", "/a#frag", "#",
    })
    void invalidTargets(String target) {
        assertRejected(get(target), 400);
    }

    // ---- limits --------------------------------------------------------------------------------

    @Test
    void headExactlyAtTheLimitIsAccepted() throws HttpParseException {
        ParserLimits limits = new ParserLimits(100, 10, 1000);
        String fixed = "GET / HTTP/1.1\r\nHost: h\r\nX: \r\n\r\n";
        String request = fixed.replace("X: ", "X: " + "v".repeat(100 - fixed.length()));
        assertThat(request).hasSize(100);
        assertThat(parse(limits, request).headers().get("X")).hasSize(100 - fixed.length());
        String tooLong = fixed.replace("X: ", "X: " + "v".repeat(101 - fixed.length()));
        assertRejected(limits, tooLong, 431);
    }

    @Test
    void requestLineThatCannotFitIsUriTooLong() throws HttpParseException {
        ParserLimits limits = new ParserLimits(100, 10, 1000);
        // request line + CRLF + final CRLF = 100: an HTTP/1.0 request with no fields fills the head
        String request = "GET /" + "a".repeat(100 - 18) + " HTTP/1.0\r\n\r\n";
        assertThat(request).hasSize(100);
        assertThat(parse(limits, request).version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertRejected(limits, "GET /" + "a".repeat(100 - 17) + " HTTP/1.0\r\n\r\n", 414);
        assertRejected(limits, "GET /" + "a".repeat(1000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
        // a request line that fits, but whose fields then do not
        assertRejected(limits, "GET /" + "a".repeat(60) + " HTTP/1.1\r\nHost: h\r\nX: " + "b".repeat(30) + "\r\n\r\n",
                431);
    }

    @Test
    void overflowIsDetectedWithoutBufferingPastTheLimit() {
        ParserLimits limits = new ParserLimits(64, 10, 1000);
        RequestHeadParser parser = new RequestHeadParser(limits);
        ByteBuffer endlessTarget = buffer("GET /" + "a".repeat(10_000));
        assertThat(statusOf(() -> parser.parse(endlessTarget))).isEqualTo(414);
        assertThat(endlessTarget.position()).isLessThanOrEqualTo(64);

        RequestHeadParser fields = new RequestHeadParser(limits);
        ByteBuffer endlessField = buffer("GET / HTTP/1.1\r\nX: " + "b".repeat(10_000));
        assertThat(statusOf(() -> fields.parse(endlessField))).isEqualTo(431);
        assertThat(endlessField.position()).isLessThanOrEqualTo(64);

        RequestHeadParser many = new RequestHeadParser(limits);
        ByteBuffer endlessFields = buffer("GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(10_000));
        assertThat(statusOf(() -> many.parse(endlessFields))).isEqualTo(431);
        assertThat(endlessFields.position()).isLessThanOrEqualTo(64);
    }

    @Test
    void fieldCountIsLimited() throws HttpParseException {
        ParserLimits limits = new ParserLimits(8192, 3, 1000);
        assertThat(parse(limits, withFields("A: 1", "B: 2")).headers().size()).isEqualTo(3);
        assertRejected(limits, withFields("A: 1", "B: 2", "C: 3"), 431);
    }

    // ---- field lines ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "X: v|v",
        "X:v|v",
        "X:    v   |v",
        "X:\t v \t|v",
        "X: a b\tc|a b\tc",
        "X: a  \t  b|a  \t  b",
        "X:|''",
        "X:   |''",
        "X: \"quoted, value\"|\"quoted, value\"",
        "X: caf\u00e9 \u0080\u00ff|caf\u00e9 \u0080\u00ff",
    })
    void fieldValuesLoseOnlySurroundingWhitespace(String field, String value) throws HttpParseException {
        assertThat(parse(withFields(field)).headers().get("X")).isEqualTo(value);
    }

    @Test
    void everyVisibleCharacterMayAppearInAValue() throws HttpParseException {
        StringBuilder visible = new StringBuilder();
        for (char c = 0x21; c < 0x7f; c++) {
            visible.append(c);
        }
        assertThat(parse(withFields("X: " + visible)).headers().get("X")).isEqualTo(visible.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "X : v", "X\t: v", "X", "X v", ": v", " X: v", "\tX: v", "X(: v", "X\u00e9: v", "X/Y: v", "X: a\u0000b",
        "X: a\u0001b", "X: a\u001fb", "X: a\u007fb", "X: \u000b", "X: \u000c", "\u0000: v",
    })
    void malformedFieldLines(String field) {
        assertRejected(withFields(field), 400);
    }

    @Test
    void obsFoldIsRefused() {
        assertRejected(withFields("X: a", " b"), 400);
        assertRejected(withFields("X: a", "\tb"), 400);
        assertRejected("GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400);
    }

    // ---- Host ----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:8080", "localhost:1", "127.0.0.1", "[::1]", "[::1]:80",
        "[2001:db8::7]", "[::ffff:10.0.0.1]:8443", "xn--bcher-kva.example", "ex%41mple", "a_b-c~d", "h:", "h.:65535"})
    void plausibleHosts(String host) throws HttpParseException {
        assertThat(parse("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").host()).isEqualTo(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a/b", "user@h", "h:x", "h:123456", "h:80:80", "[zz]", "[::1", "::1", "[]",
        "[v1.x]", "h:-1", "h%2", "h%zz", "\"h\"", "h,h", "a, b", ":80", "h\u00e9"})
    void implausibleHosts(String host) {
        assertRejected("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n", 400);
    }

    @Test
    void http11NeedsExactlyOneHost() {
        assertRejected("GET / HTTP/1.1\r\n\r\n", 400);
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
        assertRejected("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
    }

    @Test
    void http10MayOmitHost() throws HttpParseException {
        assertThat(parse("GET / HTTP/1.0\r\n\r\n").host()).isNull();
        assertThat(parse("GET / HTTP/1.0\r\nHost: h\r\n\r\n").host()).isEqualTo("h");
        assertRejected("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400);
        assertRejected("GET / HTTP/1.0\r\nHost:\r\n\r\n", 400);
    }

    // ---- body framing --------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Content-Length: 0|0",
        "Content-Length: 5|5",
        "Content-Length: 005|5",
        "content-length:   42  |42",
        "Content-Length: 5, 5|5",
        "Content-Length: 5,5,5|5",
        "Content-Length: 7\\r\\nContent-Length: 7|7",
        "Content-Length: 1000000|1000000",
        "Content-Length: 0000000000000000000000000007|7",
    })
    void contentLength(String field, long length) throws HttpParseException {
        RequestHead head = parse(withFields(crlf(field)));
        assertThat(head.framing()).isEqualTo(BodyFraming.CONTENT_LENGTH);
        assertThat(head.contentLength()).isEqualTo(length);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: +5", "Content-Length: -5", "Content-Length: 5 5", "Content-Length: 0x5",
        "Content-Length:", "Content-Length: ", "Content-Length: 5,", "Content-Length: ,5", "Content-Length: 5,,5",
        "Content-Length: 5, 6", "Content-Length: 5\r\nContent-Length: 6", "Content-Length: 5\r\nContent-Length: 5, 6",
        "Content-Length: 5.0", "Content-Length: 1e3", "Content-Length: five", "Content-Length: \u0665",
        "Content-Length: 5;", "Content-Length: \"5\"",
    })
    void malformedContentLength(String field) {
        assertRejected(withFields(field), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1000001", "9223372036854775807", "9223372036854775808", "99999999999999999999",
        "18446744073709551621"})
    void contentLengthAboveTheLimitIsTooLarge(String length) {
        assertRejected(withFields("Content-Length: " + length), 413);
    }

    @ParameterizedTest
    @ValueSource(strings = {"chunked", "Chunked", "CHUNKED", "  chunked  ", ", chunked", "chunked,", " , ,chunked"})
    void chunked(String value) throws HttpParseException {
        RequestHead head = parse(withFields("Transfer-Encoding: " + value));
        assertThat(head.framing()).isEqualTo(BodyFraming.CHUNKED);
        assertThat(head.contentLength()).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked, gzip",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip",
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: identity",
        "Transfer-Encoding: xchunked",
        "Transfer-Encoding: chunkedx",
        "Transfer-Encoding: chunked;q=1",
        "Transfer-Encoding: chunked x",
        "Transfer-Encoding: \"chunked\"",
        "Transfer-Encoding:",
        "Transfer-Encoding: ,",
        "Transfer-Encoding: gzip x, chunked",
        "Transfer-Encoding: chunked\r\nContent-Length: 5",
        "Content-Length: 5\r\nTransfer-Encoding: chunked",
        "Content-Length: 0\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding : chunked",
        "Transfer-Encoding\t: chunked",
        "Transfer-Encoding:\r\n chunked",
        "Transfer-Encoding: gzip\r\n ,chunked",
        " Transfer-Encoding: chunked",
    })
    void ambiguousTransferEncodingIsABadRequest(String fields) {
        assertRejected(withFields(fields), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "identity, chunked", "x-foo, chunked", "GZIP ,CHUNKED",
        "gzip;level=1, chunked", "deflate\r\nTransfer-Encoding: chunked"})
    void otherCodingsBeforeChunkedAreNotImplemented(String value) {
        assertRejected(withFields("Transfer-Encoding: " + value), 501);
    }

    @Test
    void transferEncodingIsRefusedOnHttp10() {
        assertRejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
    }

    @Test
    void noBodyWithoutFramingFields() throws HttpParseException {
        RequestHead head = parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(head.framing()).isEqualTo(BodyFraming.NONE);
        assertThat(head.contentLength()).isZero();
    }

    // ---- connection and expectations ---------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "HTTP/1.1|''|true",
        "HTTP/1.1|Connection: close|false",
        "HTTP/1.1|Connection: Close|false",
        "HTTP/1.1|Connection: keep-alive|true",
        "HTTP/1.1|Connection: upgrade, close|false",
        "HTTP/1.1|Connection: keep-alive\\r\\nConnection: close|false",
        "HTTP/1.0|''|false",
        "HTTP/1.0|Connection: keep-alive|true",
        "HTTP/1.0|Connection: Keep-Alive|true",
        "HTTP/1.0|Connection: keep-alive, close|false",
        "HTTP/1.0|Connection: close|false",
    })
    void keepAlive(String version, String field, boolean keepAlive) throws HttpParseException {
        String request = "GET / " + version + "\r\nHost: h\r\n" + (field.isEmpty() ? "" : crlf(field) + "\r\n") + "\r\n";
        assertThat(parse(request).keepAlive()).isEqualTo(keepAlive);
    }

    @ParameterizedTest
    @ValueSource(strings = {"100-continue", "100-Continue", "  100-CONTINUE "})
    void expectContinue(String value) throws HttpParseException {
        assertThat(parse(withFields("Expect: " + value)).expectContinue()).isTrue();
    }

    @Test
    void expectIsIgnoredOnHttp10() throws HttpParseException {
        assertThat(parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expectContinue()).isFalse();
        assertThat(parse("POST / HTTP/1.0\r\nExpect: something\r\n\r\n").expectContinue()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Expect: 200-ok", "Expect:", "Expect: 100-continue, x", "Expect: 100-continue=1"})
    void otherExpectationsFail(String field) {
        assertRejected(withFields(field), 417);
    }

    // ---- request smuggling shapes, all in one place ---------------------------------------------

    static Stream<Arguments> smuggling() {
        return Stream.of(
                Arguments.of("CL.TE", "Content-Length: 6\r\nTransfer-Encoding: chunked", 400),
                Arguments.of("TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 6", 400),
                Arguments.of("TE twice", "Transfer-Encoding: chunked, chunked", 400),
                Arguments.of("TE space before colon", "Transfer-Encoding : chunked", 400),
                Arguments.of("TE xchunked", "Transfer-Encoding: xchunked", 400),
                Arguments.of("TE obs-fold", "Transfer-Encoding: gzip\r\n chunked", 400),
                Arguments.of("TE vertical tab", "Transfer-Encoding:\u000bchunked", 400),
                Arguments.of("TE NUL", "Transfer-Encoding: chunked\u0000", 400),
                Arguments.of("CL plus", "Content-Length: +5", 400),
                Arguments.of("CL two numbers", "Content-Length: 5 5", 400),
                Arguments.of("CL hex", "Content-Length: 0x5", 400),
                Arguments.of("CL differing duplicates", "Content-Length: 5\r\nContent-Length: 6", 400),
                Arguments.of("CL differing list", "Content-Length: 5, 6", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smuggling")
    void smugglingShapesAreRejected(String name, String fields, int status) {
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n\r\n", status);
    }

    @Test
    void bareLfLineEndingsAreRejected() {
        assertRejected("POST / HTTP/1.1\nHost: h\nContent-Length: 5\n\nhello", 400);
        assertRejected("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\nhello", 400);
    }
}
