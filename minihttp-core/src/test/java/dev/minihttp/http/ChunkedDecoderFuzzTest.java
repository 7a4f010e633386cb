package dev.minihttp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Arbitrary bytes, in arbitrary pieces, into {@link ChunkedDecoder}. The decoder either finishes
 * the body, asks for more after consuming everything, or throws its own {@link HttpParseException}
 * (400, 413, 431). A body it accepts must be what a naive decoder reads from the same bytes, end at
 * the same byte, leave what follows in the buffer, and survive being chunked again and decoded.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs only the inputs under
 * {@code ChunkedDecoderFuzzTestInputs/decode/}; {@code bench/fuzz.sh} fuzzes it. The input format
 * is described in {@link FuzzInput}.
 */
class ChunkedDecoderFuzzTest {

    static final Set<Integer> STATUSES = Set.of(400, 413, 431);
    /** ChunkedDecoder.MAX_SIZE_LINE_BYTES: what one size line with its extensions may take. */
    private static final int MAX_SIZE_LINE_BYTES = 4096;

    record Outcome(byte[] body, HttpHeaders trailers, HttpParseException failure, int consumed, byte[] rest) {

        String describe() {
            if (failure != null) {
                return "rejected " + failure.status() + " " + failure.reason();
            }
            String text = new String(body, StandardCharsets.ISO_8859_1);
            return trailers == null ? "incomplete " + text : "body " + text + "|" + RequestHeadParserFuzzTest.fields(trailers);
        }
    }

    /** Copies what it is given, as the BodySink contract asks. */
    static final class Sink implements BodySink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            bytes.writeBytes(copy);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) throws IOException {
        FuzzInput input = FuzzInput.of(data);
        ParserLimits limits = input.limits();
        Outcome split = feed(limits, input.pieces());
        Outcome whole = feed(limits, input.whole());
        assertThat(split.describe()).isEqualTo(whole.describe());
        assertThat(split.consumed()).isEqualTo(whole.consumed());

        if (whole.failure() != null) {
            assertThat(whole.failure().status()).as(whole.describe()).isIn(STATUSES);
            return;
        }
        assertThat((long) whole.body().length).isLessThanOrEqualTo(limits.maxBodyBytes());
        if (whole.trailers() == null) {
            assertThat(whole.consumed()).isEqualTo(input.wire().length);
            return;
        }
        assertThat(whole.rest()).isEqualTo(Arrays.copyOfRange(input.wire(), whole.consumed(), input.wire().length));
        assertThat(whole.trailers().size()).isLessThanOrEqualTo(limits.maxHeaderCount());

        // an independent, naive reading of the same bytes finds the same body, trailers and end
        Reference reference = Reference.decode(input.wire());
        assertThat(reference).as("naive decoder gave up on an accepted body").isNotNull();
        assertThat(new String(whole.body(), StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(reference.body(), StandardCharsets.ISO_8859_1));
        assertThat(RequestHeadParserFuzzTest.fields(whole.trailers())).isEqualTo(reference.trailers());
        assertThat(whole.consumed()).isEqualTo(reference.end());

        // chunked again in the canonical way (data[1] picks the chunk size), it decodes the same
        byte[] again = encode(whole.body(), whole.trailers(), 1 + (data.length > 1 ? data[1] & 0x3F : 0));
        ParserLimits roomy = new ParserLimits(limits.maxHeadBytes() + whole.trailers().size(),
                limits.maxHeaderCount(), limits.maxBodyBytes());
        Outcome reencoded = feed(roomy, List.of(ByteBuffer.wrap(again)));
        assertThat(reencoded.failure()).as("re-encoded body rejected").isNull();
        assertThat(reencoded.body()).isEqualTo(whole.body());
        assertThat(RequestHeadParserFuzzTest.fields(reencoded.trailers()))
                .isEqualTo(RequestHeadParserFuzzTest.fields(whole.trailers()));
        assertThat(reencoded.consumed()).isEqualTo(again.length);
    }

    static Outcome feed(ParserLimits limits, List<ByteBuffer> pieces) throws IOException {
        ChunkedDecoder decoder = new ChunkedDecoder(limits);
        Sink sink = new Sink();
        int consumed = 0;
        for (int i = 0; i < pieces.size(); i++) {
            ByteBuffer piece = pieces.get(i);
            int before = piece.position();
            boolean done;
            try {
                done = decoder.decode(piece, sink);
            } catch (HttpParseException e) {
                consumed += piece.position() - before;
                try {
                    decoder.decode(ByteBuffer.wrap(new byte[] {'0'}), sink);
                    fail("a failed decoder accepted more bytes");
                } catch (HttpParseException again) {
                    assertThat(again).isSameAs(e);
                }
                return new Outcome(sink.bytes.toByteArray(), null, e, consumed, null);
            }
            consumed += piece.position() - before;
            assertThat(decoder.bodyBytes()).isEqualTo(sink.bytes.size());
            if (done) {
                return new Outcome(sink.bytes.toByteArray(), decoder.trailers(), null, consumed,
                        FuzzInput.rest(pieces, i));
            }
            if (piece.hasRemaining()) {
                fail("decode returned false with %d of %d bytes unconsumed", piece.remaining(), piece.limit());
            }
        }
        return new Outcome(sink.bytes.toByteArray(), null, null, consumed, null);
    }

    static byte[] encode(byte[] body, HttpHeaders trailers, int chunkSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int from = 0; from < body.length; from += chunkSize) {
            int size = Math.min(chunkSize, body.length - from);
            out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, from, size);
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        StringBuilder end = new StringBuilder("0\r\n");
        trailers.forEach((name, value) -> end.append(name).append(": ").append(value).append("\r\n"));
        end.append("\r\n");
        out.writeBytes(end.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /**
     * A deliberately naive chunked decoder, written from RFC 9112 7.1 without the state machine:
     * size = leading hex digits of a CRLF-terminated line, data, CRLF; after size 0, field lines
     * up to an empty line. It checks nothing else, so it is only asked about accepted inputs.
     */
    record Reference(byte[] body, List<String> trailers, int end) {

        static Reference decode(byte[] in) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            int pos = 0;
            while (true) {
                int eol = indexOfCrlf(in, pos);
                if (eol < 0) {
                    return null;
                }
                int digitsEnd = pos;
                while (digitsEnd < eol && Character.digit(in[digitsEnd], 16) >= 0) {
                    digitsEnd++;
                }
                if (digitsEnd == pos) {
                    return null;
                }
                BigInteger size = new BigInteger(new String(in, pos, digitsEnd - pos, StandardCharsets.ISO_8859_1), 16);
                pos = eol + 2;
                if (size.signum() == 0) {
                    break;
                }
                if (size.compareTo(BigInteger.valueOf(in.length - pos)) > 0) {
                    return null;
                }
                body.write(in, pos, size.intValue());
                pos += size.intValue();
                if (indexOfCrlf(in, pos) != pos) {
                    return null;
                }
                pos += 2;
            }
            List<String> trailers = new ArrayList<>();
            while (true) {
                int eol = indexOfCrlf(in, pos);
                if (eol < 0) {
                    return null;
                }
                if (eol == pos) {
                    return new Reference(body.toByteArray(), trailers, eol + 2);
                }
                String line = new String(in, pos, eol - pos, StandardCharsets.ISO_8859_1);
                int colon = line.indexOf(':');
                if (colon < 0) {
                    return null;
                }
                trailers.add(line.substring(0, colon) + "\0" + trimOws(line.substring(colon + 1)));
                pos = eol + 2;
            }
        }

        private static String trimOws(String s) {
            int from = 0;
            int to = s.length();
            while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
                from++;
            }
            while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
                to--;
            }
            return s.substring(from, to);
        }

        private static int indexOfCrlf(byte[] in, int from) {
            for (int i = from; i + 1 < in.length; i++) {
                if (in[i] == '\r' && in[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }
}
