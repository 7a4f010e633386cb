package dev.minihttp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadEncoderTest {

    static String encode(int status, String reason, HttpHeaders headers) {
        return new String(ResponseHeadEncoder.encode(status, reason, headers), StandardCharsets.ISO_8859_1);
    }

    @Test
    void writesStatusLineFieldsAndEmptyLine() {
        HttpHeaders headers = new HttpHeaders()
                .add("Content-Type", "text/plain; charset=utf-8")
                .add("Content-Length", "5")
                .add("Set-Cookie", "a=1")
                .add("set-cookie", "b=2");
        assertThat(encode(200, "OK", headers)).isEqualTo("HTTP/1.1 200 OK\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 5\r\n"
                + "Set-Cookie: a=1\r\n"
                + "set-cookie: b=2\r\n"
                + "\r\n");
    }

    @Test
    void noFields() {
        assertThat(encode(204, null, new HttpHeaders())).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
    }

    @Test
    void nullReasonMeansTheStandardPhrase() {
        assertThat(encode(404, null, new HttpHeaders())).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(encode(413, null, new HttpHeaders())).startsWith("HTTP/1.1 413 Content Too Large\r\n");
    }

    @Test
    void customOrEmptyReason() {
        assertThat(encode(200, "Fine, thanks", new HttpHeaders())).startsWith("HTTP/1.1 200 Fine, thanks\r\n");
        assertThat(encode(200, "", new HttpHeaders())).startsWith("HTTP/1.1 200 \r\n");
        // RFC 9112 4: the space before an empty reason phrase stays
        assertThat(encode(599, null, new HttpHeaders())).isEqualTo("HTTP/1.1 599 \r\n\r\n");
        assertThat(encode(100, null, new HttpHeaders())).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(encode(999, "x", new HttpHeaders())).startsWith("HTTP/1.1 999 x\r\n");
    }

    @Test
    void valuesAreWrittenAsLatin1AndMayHoldTabsAndEmptyText() {
        HttpHeaders headers = new HttpHeaders().add("X-Name", "caf\u00e9\tok").add("X-Empty", "");
        byte[] bytes = ResponseHeadEncoder.encode(200, "OK", headers);
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
                .contains("X-Name: caf\u00e9\tok\r\n", "X-Empty: \r\n");
        assertThat(bytes).contains((byte) 0xE9);
        assertThat(bytes).hasSize("HTTP/1.1 200 OK\r\nX-Name: caf\u00e9\tok\r\nX-Empty: \r\n\r\n".length());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 99, 1000, 2000})
    void statusOutOfRange(int status) {
        assertThatThrownBy(() -> ResponseHeadEncoder.encode(status, "x", new HttpHeaders()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "Bad:Name", "Bad\r\nName", "X(", "X\u00e9", "X\u0000", "X\t", "@"})
    void namesMustBeTokens(String name) {
        HttpHeaders headers = new HttpHeaders().add(name, "v");
        assertThatThrownBy(() -> ResponseHeadEncoder.encode(200, "OK", headers))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nSet-Cookie: evil=1", "a\rb", "a\nb", "\r\n\r\n<html>", "a\u0000b", "a\u001fb",
        "a\u007fb", "a\u0100b", "\u2028", "a\u000bb"})
    void valuesCannotSplitTheResponse(String value) {
        HttpHeaders headers = new HttpHeaders().add("X", value);
        assertThatThrownBy(() -> ResponseHeadEncoder.encode(200, "OK", headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"OK\r\nX: y", "OK\n", "O\u0000K", "\u0100"})
    void reasonCannotSplitTheResponse(String reason) {
        assertThatThrownBy(() -> ResponseHeadEncoder.encode(200, reason, new HttpHeaders()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTripsThroughTheParserAlphabet() {
        StringBuilder visible = new StringBuilder();
        for (char c = 0x20; c <= 0xFF; c++) {
            if (c != 0x7F) {
                visible.append(c);
            }
        }
        HttpHeaders headers = new HttpHeaders().add("!#$%&'*+-.^_`|~09azAZ", visible.toString());
        assertThat(encode(200, "OK", headers)).contains("!#$%&'*+-.^_`|~09azAZ: " + visible + "\r\n");
    }
}
