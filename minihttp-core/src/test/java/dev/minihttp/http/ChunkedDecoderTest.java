package dev.minihttp.http;

import static dev.minihttp.http.Wire.buffer;
import static dev.minihttp.http.Wire.bytes;
import static dev.minihttp.http.Wire.statusOf;
import static dev.minihttp.http.Wire.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {

    private static final ParserLimits LIMITS = new ParserLimits(1024, 10, 1_000_000);

    /** Collects what the decoder hands over, copying as the BodySink contract asks. */
    static final class Collector implements BodySink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int calls;

        @Override
        public void write(ByteBuffer data) {
            calls++;
            while (data.hasRemaining()) {
                bytes.write(data.get());
            }
        }

        String text() {
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    static String decodeWhole(String body) throws HttpParseException, IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        Collector sink = new Collector();
        ByteBuffer in = buffer(body);
        assertThat(decoder.decode(in, sink)).isTrue();
        assertThat(in.hasRemaining()).isFalse();
        assertThat(decoder.bodyBytes()).isEqualTo(sink.bytes.size());
        return sink.text() + "|" + decoder.trailers();
    }

    static int statusByteByByte(ParserLimits limits, String body) {
        ChunkedDecoder decoder = new ChunkedDecoder(limits);
        Collector sink = new Collector();
        return statusOf(() -> {
            for (byte b : bytes(body)) {
                assertThat(decoder.decode(ByteBuffer.wrap(new byte[] {b}), sink)).isFalse();
            }
        });
    }

    static void assertRejected(String body, int status) {
        assertRejected(LIMITS, body, status);
    }

    static void assertRejected(ParserLimits limits, String body, int status) {
        String shown = body.replace("\r", "\\r").replace("\n", "\\n");
        assertThat(statusOf(() -> new ChunkedDecoder(limits).decode(buffer(body), new Collector())))
                .as("status for whole body %s", shown).isEqualTo(status);
        assertThat(statusByteByByte(limits, body)).as("status byte by byte for %s", shown).isEqualTo(status);
    }

    // ---- valid bodies, any split --------------------------------------------------------------

    static Stream<Arguments> validBodies() {
        return Stream.of(
                Arguments.of("0\r\n\r\n", ""),
                Arguments.of("000\r\n\r\n", ""),
                Arguments.of("5\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
                Arguments.of("A\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
                Arguments.of("a\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
                Arguments.of("0005\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("3\r\n\r\n\n\r\n0\r\n\r\n", "\r\n\n"),
                Arguments.of("5;foo\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5;foo=bar\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5 ; foo = bar\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5\t;\tfoo\t=\tbar;baz\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5;a;b=c;d=\"e\"\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5;name=\"q \\\"uo\\\\ted; \u00e9\"\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5;name=\"\" ;x\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5\r\nhello\r\n0;last=yes\r\n\r\n", "hello"),
                Arguments.of("5\r\nhello\r\n0\r\nX-Checksum: abc\r\nx-more:  1 2 \r\n\r\n", "hello"));
    }

    @ParameterizedTest
    @MethodSource("validBodies")
    void decodesWholeBodies(String body, String expected) throws HttpParseException, IOException {
        assertThat(decodeWhole(body)).startsWith(expected + "|");
    }

    @ParameterizedTest
    @MethodSource("validBodies")
    void sameResultWhateverTheSplit(String body, String expected) throws HttpParseException, IOException {
        String whole = decodeWhole(body);
        byte[] data = bytes(body);

        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        Collector sink = new Collector();
        for (int i = 0; i < data.length; i++) {
            ByteBuffer one = ByteBuffer.wrap(data, i, 1);
            assertThat(decoder.decode(one, sink)).isEqualTo(i == data.length - 1);
            assertThat(one.hasRemaining()).isFalse();
        }
        assertThat(sink.text() + "|" + decoder.trailers()).isEqualTo(whole);

        for (int cut = 1; cut < data.length; cut++) {
            decoder.reset();
            Collector split = new Collector();
            ByteBuffer first = Wire.buffer(data, 0, cut);
            assertThat(decoder.decode(first, split)).isFalse();
            assertThat(first.hasRemaining()).isFalse();
            assertThat(decoder.decode(Wire.buffer(data, cut, data.length), split)).isTrue();
            assertThat(split.text() + "|" + decoder.trailers()).as("split at %d", cut).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @MethodSource("validBodies")
    void leavesTheBytesAfterTheBody(String body, String expected) throws HttpParseException, IOException {
        String next = "GET / HTTP/1.1\r\n";
        ByteBuffer in = buffer(body + next);
        Collector sink = new Collector();
        assertThat(new ChunkedDecoder(LIMITS).decode(in, sink)).isTrue();
        assertThat(sink.text()).isEqualTo(expected);
        assertThat(text(in)).isEqualTo(next);
    }

    @ParameterizedTest
    @MethodSource("validBodies")
    void sameResultFromDirectBuffers(String body, String expected) throws HttpParseException, IOException {
        byte[] data = bytes(body + "rest");
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        Collector sink = new Collector();
        assertThat(new ChunkedDecoder(LIMITS).decode(direct, sink)).isTrue();
        assertThat(sink.text()).isEqualTo(expected);
        assertThat(text(direct)).isEqualTo("rest");
    }

    @Test
    void passesSlicesOfTheInputWithoutCopying() throws HttpParseException, IOException {
        ByteBuffer in = buffer("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n");
        byte[] backing = in.array();
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        StringBuilder seen = new StringBuilder();
        assertThat(decoder.decode(in, data -> {
            assertThat(data.array()).isSameAs(backing);
            seen.append(text(data)).append('/');
            data.position(data.limit());
        })).isTrue();
        assertThat(seen).hasToString("hello/abc/");
    }

    @Test
    void chunkDataSplitAcrossReadsArrivesInPieces() throws HttpParseException, IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        Collector sink = new Collector();
        assertThat(decoder.decode(buffer("a\r\n0123"), sink)).isFalse();
        assertThat(decoder.bodyBytes()).isEqualTo(4);
        assertThat(decoder.decode(buffer("456789\r\n0\r\n\r\n"), sink)).isTrue();
        assertThat(sink.text()).isEqualTo("0123456789");
        assertThat(sink.calls).isEqualTo(2);
        assertThat(decoder.bodyBytes()).isEqualTo(10);
    }

    @Test
    void keepsTrailersApartInWireOrder() throws HttpParseException, IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        assertThat(decoder.trailers().isEmpty()).isTrue();
        decoder.decode(buffer("1\r\nx\r\n0\r\nB: 1\r\na: 2\r\nb: 3\r\n\r\n"), new Collector());
        HttpHeaders trailers = decoder.trailers();
        assertThat(trailers.size()).isEqualTo(3);
        assertThat(trailers.name(0)).isEqualTo("B");
        assertThat(trailers.getAll("b")).containsExactly("1", "3");
        decoder.reset();
        assertThat(decoder.trailers().isEmpty()).isTrue();
        assertThat(decoder.bodyBytes()).isZero();
    }

    @Test
    void isReusableAfterReset() throws HttpParseException, IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        ByteBuffer in = buffer("2\r\nab\r\n0\r\n\r\n3\r\ncde\r\n0\r\n\r\n");
        Collector first = new Collector();
        assertThat(decoder.decode(in, first)).isTrue();
        decoder.reset();
        Collector second = new Collector();
        assertThat(decoder.decode(in, second)).isTrue();
        assertThat(first.text()).isEqualTo("ab");
        assertThat(second.text()).isEqualTo("cde");
    }

    @Test
    void staysDoneWithoutConsumingMore() throws HttpParseException, IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        decoder.decode(buffer("0\r\n\r\n"), new Collector());
        ByteBuffer next = buffer("GET");
        assertThat(decoder.decode(next, new Collector())).isTrue();
        assertThat(next.remaining()).isEqualTo(3);
    }

    @Test
    void staysFailedUntilReset() throws HttpParseException, IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        assertThat(statusOf(() -> decoder.decode(buffer("x"), new Collector()))).isEqualTo(400);
        assertThat(statusOf(() -> decoder.decode(buffer("0\r\n\r\n"), new Collector()))).isEqualTo(400);
        decoder.reset();
        assertThat(decoder.decode(buffer("0\r\n\r\n"), new Collector())).isTrue();
    }

    @Test
    void sinkFailuresPassThrough() {
        ChunkedDecoder decoder = new ChunkedDecoder(LIMITS);
        assertThatThrownBy(() -> decoder.decode(buffer("1\r\nx\r\n0\r\n\r\n"), data -> {
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
    }

    // ---- malformed framing ---------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
        // chunk size
        "0x5\r\nhello\r\n0\r\n\r\n",
        "x5\r\nhello\r\n0\r\n\r\n",
        "5 \r\nhello\r\n0\r\n\r\n",
        "5\t\r\nhello\r\n0\r\n\r\n",
        " 5\r\nhello\r\n0\r\n\r\n",
        "-1\r\nx\r\n0\r\n\r\n",
        "+5\r\nhello\r\n0\r\n\r\n",
        "\r\nhello\r\n0\r\n\r\n",
        ";x\r\nhello\r\n0\r\n\r\n",
        "5g\r\nhello\r\n0\r\n\r\n",
        "5.0\r\nhello\r\n0\r\n\r\n",
        "5,5\r\nhello\r\n0\r\n\r\n",
        "10000000000000000\r\n",
        "fffffffffffffffff\r\n",
        "8000000000000000\r\n",
        "ffffffffffffffff\r\n",
        // extensions
        "5;\r\nhello\r\n0\r\n\r\n",
        "5; \r\nhello\r\n0\r\n\r\n",
        "5;=x\r\nhello\r\n0\r\n\r\n",
        "5;a=\r\nhello\r\n0\r\n\r\n",
        "5;a =\r\nhello\r\n0\r\n\r\n",
        "5;a \r\nhello\r\n0\r\n\r\n",
        "5;a b\r\nhello\r\n0\r\n\r\n",
        "5;a=b c\r\nhello\r\n0\r\n\r\n",
        "5;a=b \r\nhello\r\n0\r\n\r\n",
        "5;a=\"x\"y\r\nhello\r\n0\r\n\r\n",
        "5;a=\"x\r\nhello\r\n0\r\n\r\n",
        "5;a=\"x\u0001\"\r\nhello\r\n0\r\n\r\n",
        "5;a=\"\\\u0001\"\r\nhello\r\n0\r\n\r\n",
        "5;a=b=c\r\nhello\r\n0\r\n\r\n",
        "5;a(=b\r\nhello\r\n0\r\n\r\n",
        "5;a=<b>\r\nhello\r\n0\r\n\r\n",
        "5;;a\r\nhello\r\n0\r\n\r\n",
        // data and line endings
        "5\r\nhelloX\r\n0\r\n\r\n",
        "5\r\nhello0\r\n\r\n",
        "5\r\nhello\r0\r\n\r\n",
        "5\r\nhello\n0\r\n\r\n",
        "5\nhello\r\n0\r\n\r\n",
        "5\rhello\r\n0\r\n\r\n",
        "5;a=b\nhello\r\n0\r\n\r\n",
        "3\r\nabcd\r\n0\r\n\r\n",
        "0\n\n",
        "0\r\n\n",
        "0\r\n\rx",
        // trailers
        "0\r\nX : y\r\n\r\n",
        "0\r\nX: y\r\n z\r\n\r\n",
        "0\r\n X: y\r\n\r\n",
        "0\r\nX\r\n\r\n",
        "0\r\nX: y\nZ: w\r\n\r\n",
        "0\r\nX: a\u0000b\r\n\r\n",
        "0\r\n: y\r\n\r\n",
    })
    void malformedChunkedBodies(String body) {
        assertRejected(body, 400);
    }

    @Test
    void chunkSizeDigitsAreBoundedEvenWhenZero() throws HttpParseException, IOException {
        assertThat(decodeWhole("0".repeat(63) + "5\r\nhello\r\n0\r\n\r\n")).startsWith("hello|");
        assertRejected("0".repeat(64) + "5\r\nhello\r\n0\r\n\r\n", 400);
        assertRejected("0".repeat(10_000), 400);
    }

    @Test
    void chunkSizeLineIsBounded() throws HttpParseException, IOException {
        String extensions = ";a=b".repeat(1020); // 4080 bytes
        assertThat(decodeWhole("1" + extensions + "\r\nx\r\n0\r\n\r\n")).startsWith("x|");
        assertRejected("1" + extensions + ";abcdefghijklmn\r\nx\r\n0\r\n\r\n", 400);
        assertRejected("1;a=\"" + "x".repeat(100_000), 400);
    }

    // ---- limits --------------------------------------------------------------------------------

    @Test
    void bodyLimitIsCheckedWhenASizeIsAnnounced() throws HttpParseException, IOException {
        ParserLimits limits = new ParserLimits(1024, 10, 10);
        ChunkedDecoder exact = new ChunkedDecoder(limits);
        assertThat(exact.decode(buffer("5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"), new Collector())).isTrue();

        ChunkedDecoder decoder = new ChunkedDecoder(limits);
        Collector sink = new Collector();
        assertThat(decoder.decode(buffer("5\r\nhello\r\n6\r"), sink)).isFalse();
        ByteBuffer rest = buffer("\n world\r\n0\r\n\r\n");
        assertThat(statusOf(() -> decoder.decode(rest, sink))).isEqualTo(413);
        assertThat(sink.text()).as("no byte of the chunk that passes the limit").isEqualTo("hello");

        assertRejected(limits, "b\r\nhello world\r\n0\r\n\r\n", 413);
        assertRejected("7fffffffffffffff\r\n", 413);
        assertRejected("0000000000000000000f4241\r\n", 413);
    }

    @Test
    void trailerCountIsLimited() throws HttpParseException, IOException {
        ParserLimits limits = new ParserLimits(1024, 2, 1000);
        ChunkedDecoder decoder = new ChunkedDecoder(limits);
        assertThat(decoder.decode(buffer("0\r\nA: 1\r\nB: 2\r\n\r\n"), new Collector())).isTrue();
        assertRejected(limits, "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431);
    }

    @Test
    void trailerBytesAreLimited() throws HttpParseException, IOException {
        ParserLimits limits = new ParserLimits(64, 10, 1000);
        // the trailer section, empty line included, may take maxHeadBytes
        String fits = "X: " + "v".repeat(64 - 7) + "\r\n\r\n";
        assertThat(fits).hasSize(64);
        assertThat(new ChunkedDecoder(limits).decode(buffer("0\r\n" + fits), new Collector())).isTrue();
        assertRejected(limits, "0\r\nX: " + "v".repeat(64 - 6) + "\r\n\r\n", 431);

        ChunkedDecoder endless = new ChunkedDecoder(limits);
        ByteBuffer in = buffer("0\r\nX: " + "v".repeat(10_000));
        assertThat(statusOf(() -> endless.decode(in, new Collector()))).isEqualTo(431);
        assertThat(in.position()).isLessThanOrEqualTo(3 + 64);
    }

    // ---- the smuggling shapes that live in the body ------------------------------------------

    static Stream<Arguments> smuggling() {
        return Stream.of(
                Arguments.of("size with 0x prefix", "0x5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("size with trailing space", "5 \r\nhello\r\n0\r\n\r\n"),
                Arguments.of("negative size", "-1\r\n0\r\n\r\n"),
                Arguments.of("very long hex", "1" + "0".repeat(40) + "\r\n"),
                Arguments.of("overflowing hex", "ffffffffffffffff1\r\n"),
                Arguments.of("missing CRLF after data", "5\r\nhello0\r\n\r\n"),
                Arguments.of("bare LF line endings", "5\nhello\n0\n\n"),
                Arguments.of("bare LF after data", "5\r\nhello\n0\r\n\r\n"),
                Arguments.of("obs-fold in trailer", "0\r\nX: y\r\n\tz\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smuggling")
    void smugglingShapesAreRejected(String name, String body) {
        assertRejected(body, 400);
    }
}
