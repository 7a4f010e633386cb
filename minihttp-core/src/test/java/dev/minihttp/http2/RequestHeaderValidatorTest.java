package dev.minihttp.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9113 8.1.1, 8.2 and 8.3, one rule per test: each breach a stream error PROTOCOL_ERROR. */
class RequestHeaderValidatorTest {

    private static final int STREAM = 5;

    /** Feeds name/value pairs and ends the section. */
    private static Http2RequestHead validate(String... fields) throws Http2Exception {
        RequestHeaderValidator validator = new RequestHeaderValidator(STREAM);
        for (int i = 0; i < fields.length; i += 2) {
            validator.header(fields[i], fields[i + 1]);
        }
        return validator.end();
    }

    private static String malformed(String... fields) {
        Http2Exception e = catchThrowableOfType(() -> validate(fields), Http2Exception.class);
        assertThat(e).as("malformed: %s", String.join(" ", fields)).isNotNull();
        assertThat(e.isConnectionError()).isFalse();
        assertThat(e.streamId()).isEqualTo(STREAM);
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        return e.reason();
    }

    private static String[] get(String... more) {
        String[] base = {":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/a/b?x=1"};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void aWellFormedRequest() throws Http2Exception {
        Http2RequestHead head = validate(get("accept", "*/*", "user-agent", "curl/8", "te", "trailers"));
        assertThat(head.method()).isEqualTo("GET");
        assertThat(head.scheme()).isEqualTo("https");
        assertThat(head.authority()).isEqualTo("example.com");
        assertThat(head.target()).isEqualTo("/a/b?x=1");
        assertThat(head.path()).isEqualTo("/a/b");
        assertThat(head.query()).isEqualTo("x=1");
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.headers().size()).isEqualTo(3);
        assertThat(head.headers().get("User-Agent")).isEqualTo("curl/8");
        assertThat(head.isConnect()).isFalse();
    }

    @Test
    void pseudoHeadersMayComeInAnyOrder() throws Http2Exception {
        Http2RequestHead head = validate(":path", "/", ":authority", "h", ":scheme", "http", ":method", "POST");
        assertThat(head.method()).isEqualTo("POST");
        assertThat(head.query()).isNull();
    }

    // ---- pseudo-headers (8.3)

    @Test
    void requiredPseudoHeaders() {
        assertThat(malformed(":scheme", "https", ":path", "/")).contains(":method");
        assertThat(malformed(":method", "GET", ":path", "/")).contains(":scheme");
        assertThat(malformed(":method", "GET", ":scheme", "https")).contains(":path");
        assertThat(malformed(":method", "GET", ":scheme", "https", ":path", "")).contains(":path");
    }

    @ParameterizedTest
    @ValueSource(strings = {":method", ":scheme", ":authority", ":path"})
    void noPseudoHeaderTwice(String name) {
        String value = switch (name) {
            case ":method" -> "GET";
            case ":scheme" -> "https";
            case ":authority" -> "example.com";
            default -> "/";
        };
        assertThat(malformed(get("accept", "*/*", name, value))).contains("after a regular field");
        String[] twice = {":method", "GET", ":scheme", "https", ":authority", "example.com", ":path", "/", name, value};
        assertThat(malformed(twice)).contains("duplicate");
    }

    @ParameterizedTest
    @ValueSource(strings = {":status", ":protocol", ":foo", ":"})
    void onlyTheFourRequestPseudoHeaders(String name) {
        assertThat(malformed(":method", "GET", name, "200", ":scheme", "https", ":path", "/")).contains("not allowed");
    }

    @Test
    void pseudoHeadersComeBeforeRegularFields() {
        assertThat(malformed(":method", "GET", ":scheme", "https", "accept", "*/*", ":path", "/"))
                .contains("after a regular field");
    }

    @Test
    void asteriskOnlyForOptions() throws Http2Exception {
        assertThat(validate(":method", "OPTIONS", ":scheme", "https", ":path", "*").path()).isEqualTo("*");
        assertThat(malformed(":method", "GET", ":scheme", "https", ":path", "*")).contains("*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "http://example.com/", "/a b", "/a#frag", "/%zz", "/%4", "/\u00e9", "/a\u0001"})
    void pathIsOriginFormWithTheTargetCharactersOfHttp11(String path) {
        malformed(":method", "GET", ":scheme", "https", ":path", path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"G T", "GET\u0000", "", "(GET)"})
    void methodIsAToken(String method) {
        malformed(":method", method, ":scheme", "https", ":path", "/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1http", "ht tp", "h:ttp"})
    void schemeHasSchemeSyntax(String scheme) {
        malformed(":method", "GET", ":scheme", scheme, ":path", "/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"user@example.com", "example.com:80:80", "exa mple.com", "", "a/b", "[::1"})
    void authorityIsAHostAndPortWithoutUserinfo(String authority) {
        malformed(":method", "GET", ":scheme", "https", ":authority", authority, ":path", "/");
    }

    @Test
    void otherSchemesAreSyntaxOnly() throws Http2Exception {
        assertThat(validate(":method", "GET", ":scheme", "svn+ssh", ":path", "/").scheme()).isEqualTo("svn+ssh");
    }

    // ---- CONNECT (8.5)

    @Test
    void connectTakesOnlyMethodAndAuthority() throws Http2Exception {
        Http2RequestHead head = validate(":method", "CONNECT", ":authority", "example.com:443");
        assertThat(head.isConnect()).isTrue();
        assertThat(head.authority()).isEqualTo("example.com:443");
        assertThat(head.path()).isNull();
        assertThat(head.scheme()).isNull();
        malformed(":method", "CONNECT", ":authority", "example.com:443", ":path", "/");
        malformed(":method", "CONNECT", ":authority", "example.com:443", ":scheme", "https");
        malformed(":method", "CONNECT", ":authority", "example.com");
        malformed(":method", "CONNECT");
    }

    // ---- field names and values (8.2.1)

    @ParameterizedTest
    @ValueSource(strings = {"Accept", "X-Custom", "aCcept"})
    void uppercaseInANameIsMalformed(String name) {
        assertThat(malformed(get(name, "x"))).contains("uppercase");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a:b", "a\u0000", "a\r", "a\n", "é", "x\u0100"})
    void aNameIsAToken(String name) {
        malformed(get(name, "x"));
    }

    @ParameterizedTest
    @ValueSource(strings = {" leading", "trailing ", "\tleading", "trailing\t", "a\rb", "a\nb", "a\u0000b", "a\u0001b",
        "a\u007fb", "a\u0100b"})
    void aValueHasNoControlsAndNoOuterWhitespace(String value) {
        assertThat(malformed(get("x-field", value))).contains("invalid value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "a\tb", "\u00e9t\u00e9", "\"quoted\""})
    void valuesTheHttp11ParserAcceptsAreAccepted(String value) throws Http2Exception {
        assertThat(validate(get("x-field", value)).headers().get("x-field")).isEqualTo(value);
    }

    @Test
    void aPseudoHeaderValueIsCheckedLikeAnyOther() {
        malformed(":method", "GET", ":scheme", "https", ":path", "/ ");
        malformed(":method", "GET", ":scheme", "https", ":path", "/\r\n");
    }

    // ---- connection-specific fields (8.2.2)

    @ParameterizedTest
    @ValueSource(strings = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"})
    void connectionSpecificFieldsAreMalformed(String name) {
        assertThat(malformed(get(name, "x"))).contains("connection-specific");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "trailers, deflate", "chunked", ""})
    void teOnlyTrailers(String value) {
        assertThat(malformed(get("te", value))).contains("te");
    }

    @Test
    void teTrailersInAnyCase() throws Http2Exception {
        assertThat(validate(get("te", "Trailers")).headers().get("te")).isEqualTo("Trailers");
    }

    // ---- host and :authority (8.3.1)

    @Test
    void hostAndAuthorityMustAgree() throws Http2Exception {
        assertThat(validate(get("host", "EXAMPLE.com")).authority()).isEqualTo("example.com");
        assertThat(malformed(get("host", "other.example"))).contains("host");
        assertThat(malformed(get("host", "example.com:8443"))).contains("host");
    }

    @Test
    void hostStandsInForAMissingAuthority() throws Http2Exception {
        Http2RequestHead head = validate(":method", "GET", ":scheme", "http", ":path", "/", "host", "h.example:8080");
        assertThat(head.authority()).isEqualTo("h.example:8080");
        assertThat(head.headers().get("host")).isEqualTo("h.example:8080");
        assertThat(validate(":method", "GET", ":scheme", "http", ":path", "/").authority()).isNull();
    }

    @Test
    void hostIsCheckedAsInHttp11() {
        malformed(":method", "GET", ":scheme", "http", ":path", "/", "host", "a.example", "host", "a.example");
        malformed(":method", "GET", ":scheme", "http", ":path", "/", "host", "a,b");
        malformed(":method", "GET", ":scheme", "http", ":path", "/", "host", "u@a");
    }

    // ---- content-length (8.1.1)

    @Test
    void contentLengthIsParsedAsInHttp11() throws Http2Exception {
        assertThat(validate(get("content-length", "42")).contentLength()).isEqualTo(42);
        assertThat(validate(get("content-length", "0")).contentLength()).isZero();
        // repeated equal values are one length (RFC 9110 8.6), as in HTTP/1.1
        assertThat(validate(get("content-length", "7", "content-length", "7")).contentLength()).isEqualTo(7);
        assertThat(validate(get("content-length", "7, 7")).contentLength()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1.0", "0x10", "12a", "99999999999999999999999", "1,2"})
    void anUnreadableContentLengthIsMalformed(String value) {
        assertThat(malformed(get("content-length", value))).contains("content-length");
    }

    @Test
    void differingContentLengthsAreMalformed() {
        malformed(get("content-length", "1", "content-length", "2"));
    }

    // ---- cookies (8.2.3)

    @Test
    void splitCookiesAreJoined() throws Http2Exception {
        Http2RequestHead head = validate(get("cookie", "a=1", "accept", "*/*", "cookie", "b=2", "cookie", "c=3"));
        assertThat(head.headers().getAll("cookie")).containsExactly("a=1; b=2; c=3");
        assertThat(head.headers().name(0)).isEqualTo("cookie");
        assertThat(head.headers().name(1)).isEqualTo("accept");
        assertThat(head.headers().size()).isEqualTo(2);
    }

    @Test
    void aSingleCookieIsLeftAsItIs() throws Http2Exception {
        assertThat(validate(get("cookie", "a=1; b=2")).headers().get("cookie")).isEqualTo("a=1; b=2");
    }
}
