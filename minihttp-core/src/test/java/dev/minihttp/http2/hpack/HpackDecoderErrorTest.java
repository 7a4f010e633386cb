package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.decode;
import static dev.minihttp.http2.hpack.HpackTestSupport.fields;
import static dev.minihttp.http2.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.http2.hpack.HpackTestSupport.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every way a block can break RFC 7541 ends in {@link HpackCompressionException} and leaves the
 * decoder refusing further blocks; a header list over the limit ends in
 * {@link HeaderListTooLargeException} after the whole block, and the next block still decodes
 * against a table in step with the peer's.
 */
class HpackDecoderErrorTest {

    private final HpackDecoder decoder = new HpackDecoder(4096, 8192);

    @Test
    void indexZero() {
        assertCompressionError("80", "index 0");
    }

    @Test
    void indexPastTheStaticTable() {
        assertCompressionError("be", "past the end of the table");
    }

    @Test
    void indexPastTheDynamicTable() throws Exception {
        assertThat(decode(decoder, hex("4001 61 0162"))).isEqualTo(fields("a", "b"));
        assertThat(decode(decoder, hex("be"))).isEqualTo(fields("a", "b"));
        assertCompressionError("bf", "past the end of the table");
    }

    @Test
    void literalNameIndexPastTheTable() {
        assertCompressionError("7f00 0161", "past the end of the table");
    }

    @Test
    void integerOverflow() {
        // 127 + 127 + 127 * 2^7 + 127 * 2^14 + 127 * 2^21 + 15 * 2^28 > 2^31 - 1
        assertCompressionError("ffffffffff0f", "integer overflow");
    }

    @Test
    void integerWithTooManyContinuationOctets() {
        // zeros that add nothing, but without end
        assertCompressionError("ff8080808080808000", "integer overflow");
    }

    @Test
    void largestIntegerIsAccepted() throws Exception {
        HeaderBlock out = new HeaderBlock();
        PrefixedInteger.encode(0, 7, Integer.MAX_VALUE, out);
        ByteBuffer in = out.asByteBuffer();
        assertThat(PrefixedInteger.decode(in.get() & 0xFF, 7, in)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void truncatedInteger() {
        assertCompressionError("ff80", "truncated integer");
    }

    @Test
    void truncatedString() {
        assertCompressionError("4005 6162", "truncated string");
    }

    @Test
    void hugeStringLengthIsTruncatedNotAllocated() {
        assertCompressionError("407f ffffffff06", "truncated string");
    }

    @Test
    void missingValue() {
        assertCompressionError("04", "string length missing");
    }

    @Test
    void huffmanEos() {
        assertCompressionError("4084 ffffffff 0161", "EOS");
    }

    @Test
    void huffmanPaddingTooLong() {
        assertCompressionError("4082 1fff 0161", "padding");
    }

    @Test
    void huffmanPaddingNotOnes() {
        assertCompressionError("4081 18 0161", "padding");
    }

    @Test
    void sizeUpdateAboveTheLimit() {
        assertCompressionError(hex(sizeUpdate(4097)), "above the limit");
    }

    @Test
    void sizeUpdatesAtTheStartAreAccepted() throws Exception {
        assertThat(decode(decoder, hex(hex(sizeUpdate(0)) + hex(sizeUpdate(4096)) + "82"))).isEqualTo(fields(":method", "GET"));
        assertThat(decoder.table().maxSize()).isEqualTo(4096);
    }

    @Test
    void sizeUpdateAfterAField() {
        assertCompressionError("82 20", "after the first field");
    }

    @Test
    void sizeUpdateMissingAfterTheLimitWasLowered() throws Exception {
        decoder.setMaxTableSize(100);
        assertCompressionError("82", "missing table size update");
    }

    @Test
    void sizeUpdateFollowingALoweredLimit() throws Exception {
        assertThat(decode(decoder, hex("4001 61 0162"))).isEqualTo(fields("a", "b"));
        decoder.setMaxTableSize(0);
        assertThat(decode(decoder, hex("20 82"))).isEqualTo(fields(":method", "GET"));
        assertThat(decoder.table().length()).isZero();
        assertThatThrownBy(() -> decode(decoder, hex("be"))).isInstanceOf(HpackCompressionException.class);
    }

    @Test
    void aSinkThatThrowsLeavesTheDecoderUnusable() {
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(hex("82")), (name, value) -> {
            throw new IllegalStateException("sink");
        })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> decode(decoder, hex("82"))).isInstanceOf(HpackCompressionException.class);
    }

    @Test
    void hpackBombIsRefusedAndTheTableStaysInStep() throws Exception {
        String big = "a".repeat(3000);
        // block 1 puts one 3,037-octet field into the table: it fits the 8,192 limit
        HeaderBlock one = new HeaderBlock();
        HpackEncoder encoder = new HpackEncoder();
        encoder.startBlock(one);
        encoder.header(one, "x-big", big);
        assertThat(decode(decoder, one.toByteArray())).isEqualTo(fields("x-big", big));

        // block 2: 10,000 references to it (30 MB of header list from 10 kB), then a new
        // field the table keeps, so the next block can tell whether the table followed
        byte[] bomb = new byte[10_000 + 5];
        java.util.Arrays.fill(bomb, 0, 10_000, (byte) 0xbe);
        System.arraycopy(hex("4001 79 017a"), 0, bomb, 10_000, 5);
        List<Field> received = new ArrayList<>();
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(bomb), (n, v) -> received.add(new Field(n, v))))
                .isInstanceOf(HeaderListTooLargeException.class)
                .satisfies(e -> assertThat(((HeaderListTooLargeException) e).maxHeaderListSize()).isEqualTo(8192));
        assertThat(listSize(received)).isLessThanOrEqualTo(8192);
        assertThat(received).hasSize(2);

        // block 3 refers to both entries: index 62 is block 2's field, 63 block 1's
        assertThat(decode(decoder, hex("be bf"))).isEqualTo(fields("y", "z", "x-big", big));
    }

    @Test
    void hugeLiteralIsRefusedBeforeItIsAllocatedAndTheTableStaysInStep() throws Exception {
        HpackDecoder small = new HpackDecoder(4096, 1000);
        assertThat(decode(small, hex("4001 61 0162"))).isEqualTo(fields("a", "b"));
        // a 100,000-octet value without indexing, then one with indexing that the table keeps
        HeaderBlock block = new HeaderBlock();
        PrefixedInteger.encode(0x00, 4, 0, block);
        PrefixedInteger.encode(0x00, 7, 1, block);
        block.write('h');
        PrefixedInteger.encode(0x00, 7, 100_000, block);
        for (int i = 0; i < 100_000; i++) {
            block.write('v');
        }
        for (byte b : hex("4001 79 017a")) {
            block.write(b);
        }
        assertThatThrownBy(() -> decode(small, block.toByteArray())).isInstanceOf(HeaderListTooLargeException.class);
        assertThat(decode(small, hex("be bf"))).isEqualTo(fields("y", "z", "a", "b"));
    }

    @Test
    void literalTooLargeForListAndTableEmptiesTheTable() throws Exception {
        HpackDecoder small = new HpackDecoder(256, 1000);
        // the limit is below the default: the first block must say the table shrank
        assertThatThrownBy(() -> decode(new HpackDecoder(256, 1000), hex("4001 61 0162")))
                .isInstanceOf(HpackCompressionException.class);
        assertThat(decode(small, hex(hex(sizeUpdate(256)) + "4001 61 0162"))).isEqualTo(fields("a", "b"));
        HeaderBlock block = new HeaderBlock();
        HpackEncoder encoder = new HpackEncoder(4096, true, HpackEncoder.HuffmanChoice.WHEN_SHORTER);
        encoder.startBlock(block);
        encoder.header(block, "x-huge", "0123456789".repeat(200));
        assertThatThrownBy(() -> decode(small, block.toByteArray())).isInstanceOf(HeaderListTooLargeException.class);
        // RFC 7541 section 4.4: adding an entry larger than the table empties it
        assertThat(small.table().length()).isZero();
        assertThatThrownBy(() -> decode(small, hex("be"))).isInstanceOf(HpackCompressionException.class);
    }

    @Test
    void listJustAtTheLimitIsAccepted() throws Exception {
        HpackDecoder exact = new HpackDecoder(4096, 2 * (32 + 7 + 3));
        assertThat(decode(exact, hex("82 82"))).hasSize(2);
        assertThatThrownBy(() -> decode(exact, hex("82 82 82"))).isInstanceOf(HeaderListTooLargeException.class);
        assertThat(decode(exact, hex("82"))).hasSize(1);
    }

    static long listSize(List<Field> fields) {
        return fields.stream().mapToLong(f -> f.name().length() + f.value().length() + 32).sum();
    }

    private static byte[] sizeUpdate(int size) {
        HeaderBlock out = new HeaderBlock();
        PrefixedInteger.encode(0x20, 5, size, out);
        return out.toByteArray();
    }

    private void assertCompressionError(String block, String message) {
        assertThatThrownBy(() -> decode(decoder, hex(block)))
                .isInstanceOf(HpackCompressionException.class)
                .hasMessageContaining(message);
        // the table may now be out of step with the peer's: nothing more is decoded
        assertThatThrownBy(() -> decode(decoder, hex("82")))
                .isInstanceOf(HpackCompressionException.class)
                .hasMessageContaining("an earlier block failed");
    }
}
