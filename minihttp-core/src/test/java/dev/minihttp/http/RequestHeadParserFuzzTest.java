package dev.minihttp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes, in arbitrary pieces, into {@link RequestHeadParser}. Whatever arrives, the
 * parser either returns a head, asks for more after consuming everything it was given, or throws
 * its own {@link HttpParseException} with a documented status: never another exception, never a
 * loop, never more than the head limit of bytes. An accepted head written out again in canonical
 * form parses to the same head and ends exactly where it should.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs only the inputs under
 * {@code RequestHeadParserFuzzTestInputs/parse/} (seeds and past findings); {@code bench/fuzz.sh}
 * fuzzes it. The input format is described in {@link FuzzInput}.
 */
class RequestHeadParserFuzzTest {

    /** HttpParseException's documented statuses, plus the 417 of RequestHeadParser's Javadoc. */
    static final Set<Integer> STATUSES = Set.of(400, 413, 414, 417, 431, 501, 505);
    /** RequestHeadParser skips up to 8 CRLFs before the request line, outside the head limit. */
    private static final int LEADING_EMPTY_LINE_BYTES = 8 * 2;

    /** What feeding a whole input produced: a head, a rejection, or "needs more". */
    record Outcome(RequestHead head, HttpParseException failure, int consumed, byte[] rest) {

        String describe() {
            if (failure != null) {
                return "rejected " + failure.status() + " " + failure.reason();
            }
            return head == null ? "incomplete" : "head " + RequestHeadParserTest.describe(head);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] data) {
        FuzzInput input = FuzzInput.of(data);
        Outcome split = feed(input.limits(), input.pieces());
        Outcome whole = feed(input.limits(), input.whole());
        // the parser works byte by byte: where the socket cut the bytes must not matter
        assertThat(split.describe()).isEqualTo(whole.describe());
        assertThat(split.consumed()).isEqualTo(whole.consumed());

        int bound = input.limits().maxHeadBytes() + LEADING_EMPTY_LINE_BYTES;
        if (whole.failure() != null) {
            assertThat(whole.failure().status()).as(whole.describe()).isIn(STATUSES);
            // rejected no later than the byte that broke the limit
            assertThat(whole.consumed()).isLessThanOrEqualTo(bound + 1);
        } else if (whole.head() == null) {
            assertThat(whole.consumed()).isEqualTo(input.wire().length).isLessThanOrEqualTo(bound);
        } else {
            assertThat(whole.consumed()).isLessThanOrEqualTo(bound);
            assertThat(whole.rest()).isEqualTo(Arrays.copyOfRange(input.wire(), whole.consumed(), input.wire().length));
            assertReserialises(input.limits(), whole.head());
        }
    }

    /**
     * Feeds the pieces in order to one parser, as a connection would, with the guard against a
     * parser that neither consumes nor answers.
     */
    static Outcome feed(ParserLimits limits, List<ByteBuffer> pieces) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        int consumed = 0;
        for (int i = 0; i < pieces.size(); i++) {
            ByteBuffer piece = pieces.get(i);
            int before = piece.position();
            RequestHead head;
            try {
                head = parser.parse(piece);
            } catch (HttpParseException e) {
                consumed += piece.position() - before;
                // the verdict sticks: a connection that calls again gets the same answer
                HttpParseException again = catchParse(parser, ByteBuffer.wrap(new byte[] {'G'}));
                assertThat(again).isSameAs(e);
                return new Outcome(null, e, consumed, null);
            }
            consumed += piece.position() - before;
            if (head != null) {
                assertThat(parser.hasPartialHead()).isTrue();
                return new Outcome(head, null, consumed, FuzzInput.rest(pieces, i));
            }
            if (piece.hasRemaining()) {
                fail("parse returned null with %d of %d bytes unconsumed (consumed %d)",
                        piece.remaining(), piece.limit(), piece.position() - before);
            }
        }
        return new Outcome(null, null, consumed, null);
    }

    private static HttpParseException catchParse(RequestHeadParser parser, ByteBuffer in) {
        try {
            parser.parse(in);
        } catch (HttpParseException e) {
            return e;
        }
        return null;
    }

    /** The canonical form of a head: request line, one line per field in order, empty line. */
    static byte[] serialise(RequestHead head) {
        StringBuilder text = new StringBuilder();
        text.append(head.method()).append(' ').append(head.target()).append(' ')
                .append(head.version().text()).append("\r\n");
        head.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        text.append("\r\n");
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertReserialises(ParserLimits limits, RequestHead head) {
        byte[] canonical = serialise(head);
        // the canonical form drops leading empty lines and OWS but adds one SP per field
        ParserLimits roomy = new ParserLimits(limits.maxHeadBytes() + head.headers().size(),
                limits.maxHeaderCount(), limits.maxBodyBytes());
        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        followed.writeBytes(canonical);
        followed.writeBytes("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        Outcome again = feed(roomy, List.of(ByteBuffer.wrap(followed.toByteArray())));
        assertThat(again.failure()).as("canonical form of %s rejected", RequestHeadParserTest.describe(head)).isNull();
        assertThat(again.head()).isNotNull();
        assertThat(again.consumed()).isEqualTo(canonical.length);
        assertEquivalent(again.head(), head);
    }

    static void assertEquivalent(RequestHead actual, RequestHead expected) {
        assertThat(actual.method()).isEqualTo(expected.method());
        assertThat(actual.target()).isEqualTo(expected.target());
        assertThat(actual.path()).isEqualTo(expected.path());
        assertThat(actual.query()).isEqualTo(expected.query());
        assertThat(actual.version()).isEqualTo(expected.version());
        assertThat(fields(actual.headers())).isEqualTo(fields(expected.headers()));
        assertThat(actual.host()).isEqualTo(expected.host());
        assertThat(actual.framing()).isEqualTo(expected.framing());
        assertThat(actual.contentLength()).isEqualTo(expected.contentLength());
        assertThat(actual.keepAlive()).isEqualTo(expected.keepAlive());
        assertThat(actual.expectContinue()).isEqualTo(expected.expectContinue());
    }

    static List<String> fields(HttpHeaders headers) {
        List<String> fields = new ArrayList<>();
        headers.forEach((name, value) -> fields.add(name + "\0" + value));
        return fields;
    }
}
