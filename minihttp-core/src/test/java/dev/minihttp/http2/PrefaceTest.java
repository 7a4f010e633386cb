package dev.minihttp.http2;

import static dev.minihttp.http2.Preface.Match.NEEDS_MORE;
import static dev.minihttp.http2.Preface.Match.NOT_PREFACE;
import static dev.minihttp.http2.Preface.Match.PREFACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrefaceTest {

    private static Preface.Match match(String s) {
        return Preface.match(ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void everyPrefixOfThePrefaceNeedsMore() {
        String preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        for (int i = 0; i < preface.length(); i++) {
            assertThat(match(preface.substring(0, i))).as("prefix of %d", i).isEqualTo(NEEDS_MORE);
        }
        assertThat(match(preface)).isEqualTo(PREFACE);
        assertThat(match(preface + "\0\0\0\4")).isEqualTo(PREFACE);
        assertThat(Preface.LENGTH).isEqualTo(24);
    }

    @Test
    void http11IsToldApartAsEarlyAsItDiffers() {
        assertThat(match("G")).isEqualTo(NOT_PREFACE);
        assertThat(match("PO")).isEqualTo(NOT_PREFACE);
        assertThat(match("PUT / HTTP/1.1")).isEqualTo(NOT_PREFACE);
        // an h2c client that got the preface wrong is not HTTP/2 either
        assertThat(match("PRI * HTTP/2.0\r\n\r\nSM\r\n\n")).isEqualTo(NOT_PREFACE);
        assertThat(match("PRI * HTTP/1.1\r\n")).isEqualTo(NOT_PREFACE);
    }

    @Test
    void theBufferIsNotMoved() {
        ByteBuffer in = ByteBuffer.wrap("xxPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        in.position(2);
        assertThat(Preface.match(in)).isEqualTo(PREFACE);
        assertThat(in.position()).isEqualTo(2);
    }
}
