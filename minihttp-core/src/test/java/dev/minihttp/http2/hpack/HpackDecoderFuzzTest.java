package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.entries;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.minihttp.http2.hpack.HpackTestSupport.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Arbitrary bytes as a sequence of header blocks into {@link HpackDecoder} with small limits.
 * Only the two documented exceptions may escape; the sink never receives more than the header
 * list limit; after a compression error every block is refused; and the bounded decoder stays in
 * step with an unbounded one fed the same blocks: same compression errors, same table after every
 * block, same fields whenever the list fits (which is what lets a 431 keep the connection).
 *
 * <p>Input: byte 0 picks the limits (bits 0-2 a table size from {@link #TABLE_SIZES}, bits 3-7 a header
 * list limit of 64 to 1,056 by 32),
 * byte 1 seeds where the rest is cut into blocks (0: one block) and whether the table size limit
 * is lowered between blocks; the rest is the blocks. Without {@code JAZZER_FUZZ} this runs the
 * inputs under {@code HpackDecoderFuzzTestInputs/decode/}; {@code bench/fuzz.sh} fuzzes it.
 */
class HpackDecoderFuzzTest {

    /** Below the default, a block must begin with a size update: the fuzzer finds it quickly. */
    private static final int[] TABLE_SIZES = {4096, 0, 64, 128, 192, 256, 320, 448};

    @FuzzTest(maxDuration = "10m")
    void decode(byte[] data) {
        int control = data.length > 0 ? data[0] & 0xFF : 0;
        int seed = data.length > 1 ? data[1] & 0xFF : 0;
        byte[] wire = data.length > 2 ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
        int tableSize = TABLE_SIZES[control & 0x7];
        int maxListSize = 64 + (control >>> 3) * 32;

        HpackDecoder bounded = new HpackDecoder(tableSize, maxListSize);
        HpackDecoder unbounded = new HpackDecoder(tableSize, Integer.MAX_VALUE);
        Random random = new Random(seed);
        boolean failed = false;
        for (byte[] block : blocks(wire, seed, random)) {
            if (seed != 0 && random.nextInt(8) == 0) {
                int lower = random.nextInt(tableSize + 1);
                bounded.setMaxTableSize(lower);
                unbounded.setMaxTableSize(lower);
                tableSize = lower;
            }
            Outcome expected = run(unbounded, block, Integer.MAX_VALUE);
            Outcome actual = run(bounded, block, maxListSize);
            if (failed) {
                assertThat(actual.failure()).isInstanceOf(HpackCompressionException.class);
                continue;
            }
            if (expected.failure() instanceof HpackCompressionException) {
                assertThat(actual.failure()).as("the same compression error").isInstanceOf(HpackCompressionException.class);
                failed = true;
                continue;
            }
            assertThat(expected.failure()).isNull();
            long listSize = HpackDecoderErrorTest.listSize(expected.fields());
            if (listSize <= maxListSize) {
                assertThat(actual.failure()).isNull();
                assertThat(actual.fields()).isEqualTo(expected.fields());
            } else {
                assertThat(actual.failure()).isInstanceOf(HeaderListTooLargeException.class);
                assertThat(actual.fields()).isEqualTo(expected.fields().subList(0, actual.fields().size()));
            }
            assertThat(entries(bounded.table())).as("tables in step").isEqualTo(entries(unbounded.table()));
            assertThat(bounded.table().size()).isLessThanOrEqualTo(bounded.table().maxSize());
            if (!expected.fields().isEmpty()) {
                // a field decoded, so any lowered limit has been acknowledged with an update
                assertThat(bounded.table().maxSize()).isLessThanOrEqualTo(tableSize);
            }
        }
    }

    record Outcome(List<Field> fields, HpackException failure) {
    }

    private static Outcome run(HpackDecoder decoder, byte[] block, long maxListSize) {
        List<Field> fields = new ArrayList<>();
        long[] listSize = {0};
        try {
            decoder.decode(ByteBuffer.wrap(block), (name, value) -> {
                listSize[0] += name.length() + value.length() + 32;
                assertThat(listSize[0]).as("list size handed to the sink").isLessThanOrEqualTo(maxListSize);
                fields.add(new Field(name, value));
            });
            return new Outcome(fields, null);
        } catch (HpackException e) {
            return new Outcome(fields, e);
        }
    }

    private static List<byte[]> blocks(byte[] wire, int seed, Random random) {
        List<byte[]> blocks = new ArrayList<>();
        if (seed == 0 || wire.length < 2) {
            blocks.add(wire);
            return blocks;
        }
        int[] cuts = random.ints(1 + random.nextInt(6), 1, wire.length).sorted().distinct().toArray();
        int from = 0;
        for (int cut : cuts) {
            blocks.add(Arrays.copyOfRange(wire, from, cut));
            from = cut;
        }
        blocks.add(Arrays.copyOfRange(wire, from, wire.length));
        return blocks;
    }
}
