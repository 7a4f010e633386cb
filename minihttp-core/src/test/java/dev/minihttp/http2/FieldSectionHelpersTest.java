package dev.minihttp.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.minihttp.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** TrailerValidator, ContentLengthCheck, CookieFields and ResponseFields. */
class FieldSectionHelpersTest {

    @Test
    void trailersTakeRegularFields() throws Http2Exception {
        TrailerValidator trailers = new TrailerValidator(3);
        trailers.header("grpc-status", "0");
        trailers.header("x-checksum", "abc");
        assertThat(trailers.end().size()).isEqualTo(2);
    }

    @Test
    void trailersTakeNoPseudoHeadersAndFollowTheFieldRules() {
        for (String[] field : new String[][] {{":path", "/"}, {":status", "200"}, {"Upper", "x"}, {"x", " y"},
            {"connection", "close"}, {"transfer-encoding", "chunked"}, {"te", "gzip"}}) {
            Http2Exception e = catchThrowableOfType(() -> new TrailerValidator(3).header(field[0], field[1]), Http2Exception.class);
            assertThat(e).as(field[0]).isNotNull();
            assertThat(e.streamId()).isEqualTo(3);
            assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void contentLengthAgreeingWithData() throws Http2Exception {
        ContentLengthCheck check = new ContentLengthCheck(1, 10);
        check.data(4);
        check.data(0);
        check.data(6);
        check.end();
        assertThat(check.received()).isEqualTo(10);
    }

    @Test
    void moreDataThanDeclaredFailsAtOnce() throws Http2Exception {
        ContentLengthCheck check = new ContentLengthCheck(1, 10);
        check.data(10);
        Http2Exception e = catchThrowableOfType(() -> check.data(1), Http2Exception.class);
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.streamId()).isEqualTo(1);
    }

    @Test
    void lessDataThanDeclaredFailsAtTheEnd() throws Http2Exception {
        ContentLengthCheck check = new ContentLengthCheck(1, 10);
        check.data(9);
        assertThat(catchThrowableOfType(check::end, Http2Exception.class).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        ContentLengthCheck none = new ContentLengthCheck(1, 0);
        none.end();
    }

    @Test
    void noContentLengthChecksNothing() throws Http2Exception {
        ContentLengthCheck check = new ContentLengthCheck(1, -1);
        check.data(1_000_000);
        check.end();
    }

    @Test
    void cookieFieldsAreJoinedInOrder() {
        HttpHeaders fields = new HttpHeaders().add("x", "1").add("cookie", "a=1").add("cookie", "b=2");
        HttpHeaders joined = CookieFields.join(fields);
        assertThat(joined.getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(joined.name(0)).isEqualTo("x");
        HttpHeaders single = new HttpHeaders().add("cookie", "a=1");
        assertThat(CookieFields.join(single)).isSameAs(single);
    }

    @Test
    void responseFieldsThatNeverGoOverHttp2() {
        HttpHeaders response = new HttpHeaders()
                .add("Content-Type", "text/plain")
                .add("Connection", "keep-alive, X-Hop")
                .add("Keep-Alive", "timeout=5")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "h2c")
                .add("Proxy-Connection", "close")
                .add("X-Hop", "1")
                .add("Trailer", "x-checksum");
        ResponseFields.removeConnectionSpecific(response);
        assertThat(response.names()).containsExactly("Content-Type", "Trailer");
        assertThat(ResponseFields.isConnectionSpecific("Transfer-Encoding")).isTrue();
        assertThat(ResponseFields.isConnectionSpecific("content-length")).isFalse();
    }
}
