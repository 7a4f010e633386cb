package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.decode;
import static dev.minihttp.http2.hpack.HpackTestSupport.entries;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minihttp.http2.hpack.HpackTestSupport.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzed fields through our encoder and back through our decoder, over several blocks of one
 * connection with the peer's table size changing between them: the decoder reads back exactly
 * what was encoded, and both ends hold the same table after every block. Without
 * {@code JAZZER_FUZZ} this runs the inputs under {@code HpackRoundTripFuzzTestInputs/roundTrip/}.
 */
class HpackRoundTripFuzzTest {

    private static final String[] NAMES = {
        ":status", ":path", "content-type", "content-length", "cookie", "set-cookie", "authorization",
        "date", "etag", "cache-control", "vary", "x-a", "x-b", ""};

    @FuzzTest(maxDuration = "10m")
    void roundTrip(FuzzedDataProvider data) throws HpackException {
        int cap = data.consumeInt(0, 8192);
        HpackEncoder encoder = new HpackEncoder(cap);
        HpackDecoder decoder = new HpackDecoder(8192, Integer.MAX_VALUE);
        HeaderBlock block = new HeaderBlock(16);
        int blocks = data.consumeInt(1, 8);
        for (int b = 0; b < blocks && data.remainingBytes() > 0; b++) {
            // a bounded count: an exhausted provider answers 0 forever (a fuzzing finding)
            for (int changes = data.consumeInt(0, 3) - 1; changes > 0; changes--) {
                encoder.setMaxTableSize(data.consumeInt(0, 10_000));
            }
            List<Field> fields = new ArrayList<>();
            block.clear();
            encoder.startBlock(block);
            for (int i = 0, count = data.consumeInt(0, 16); i < count; i++) {
                String name = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : lowercase(latin1(data, 40));
                String value = latin1(data, data.consumeBoolean() ? 20 : 5000);
                encoder.header(block, name, value, data.consumeInt(0, 15) == 0);
                fields.add(new Field(name, value));
            }
            assertThat(decode(decoder, block.toByteArray())).isEqualTo(fields);
            assertThat(entries(decoder.table())).isEqualTo(entries(encoder.table()));
            assertThat(decoder.table().maxSize()).isEqualTo(encoder.table().maxSize()).isLessThanOrEqualTo(cap);
        }
    }

    private static String latin1(FuzzedDataProvider data, int maxLength) {
        byte[] bytes = data.consumeBytes(data.consumeInt(0, maxLength));
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String lowercase(String name) {
        StringBuilder lower = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return lower.toString();
    }
}
