package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.decode;
import static dev.minihttp.http2.hpack.HpackTestSupport.fields;
import static dev.minihttp.http2.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The encoder's choices: what it indexes, what it never indexes, when it Huffman-codes, size updates. */
class HpackEncoderTest {

    private final HpackEncoder encoder = new HpackEncoder();
    private final HeaderBlock block = new HeaderBlock();

    @Test
    void staticFullMatchIsOneOctet() {
        assertThat(encode(":status", "200")).isEqualTo("88");
        assertThat(encode("accept-encoding", "gzip, deflate")).isEqualTo("90");
    }

    @Test
    void repeatedFieldIsIndexedTheSecondTime() {
        assertThat(encode("content-type", "application/json")).startsWith("5f");   // 0x40 | 31 with a 6-bit prefix
        assertThat(encode("content-type", "application/json")).isEqualTo("be");
        assertThat(encode("x-custom", "1")).startsWith("40");
        assertThat(encode("x-custom", "1")).isEqualTo("be");
        assertThat(encode("content-type", "application/json")).isEqualTo("bf");
    }

    @Test
    void nameFoundInTheDynamicTableIsUsedByIndex() {
        encode("x-custom", "1");
        assertThat(encode("x-custom", "2")).isEqualTo("7e" + "0132");   // name 62 by index, value "2"
    }

    @Test
    void valuesThatRarelyRepeatAreNotIndexed() {
        assertThat(encode("content-length", "1234")).startsWith("0f0d");   // without indexing, name 28
        assertThat(encode(":path", "/a/b")).startsWith("04");
        assertThat(encoder.table().length()).isZero();
    }

    @Test
    void fieldsLargerThanThreeQuartersOfTheTableAreNotIndexed() {
        encode("x-big", "x".repeat(3100));
        assertThat(encoder.table().length()).isZero();
        encode("x-big", "x".repeat(3000));
        assertThat(encoder.table().length()).isOne();
    }

    @Test
    void credentialsAreNeverIndexedNorHuffmanCoded() {
        // 0x10 | 15, then 23 - 15: never indexed, name 23; value as is
        assertThat(encode("authorization", "Basic dXNlcjpwYXNz")).isEqualTo("1f08" + "12" + hex("Basic dXNlcjpwYXNz".getBytes()));
        assertThat(encode("authorization", "Basic dXNlcjpwYXNz")).startsWith("1f08");
        assertThat(encode("set-cookie", "id=1; Secure")).startsWith("1f28");
        assertThat(encode("proxy-authorization", "Bearer x")).startsWith("1f22");
        assertThat(encoder.table().length()).isZero();
    }

    @Test
    void shortCookiesAreNeverIndexedLongOnesAre() {
        assertThat(encode("cookie", "id=42")).startsWith("1f11");   // never indexed, name 32
        String longCookie = "session=" + "0123456789abcdef".repeat(2);
        assertThat(encode("cookie", longCookie)).startsWith("60");  // with indexing, name 32
        assertThat(encode("cookie", longCookie)).isEqualTo("be");
    }

    @Test
    void sensitiveFlagMakesAnyFieldNeverIndexed() {
        block.clear();
        encoder.startBlock(block);
        encoder.header(block, "x-api-key", "k", true);
        encoder.header(block, "x-api-key", "k", true);
        // the name is no secret and may be Huffman-coded; the value goes as it is
        assertThat(hex(block.toByteArray())).isEqualTo("1087f2b0eb32dd4beb016b" + "1087f2b0eb32dd4beb016b");
        assertThat(encoder.table().length()).isZero();
    }

    @Test
    void huffmanOnlyWhenShorter() {
        // 'a' is 5 bits: 4 of them fit in 3 octets; '~' is 13 bits: raw is shorter
        assertThat(encode("x-a", "aaaa")).endsWith("83" + "18c63f");
        assertThat(encode("x-b", "~~~~")).endsWith("04" + "7e7e7e7e");
    }

    @Test
    void tableSizeChangeIsSignalledAtTheNextBlock() throws Exception {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        encode("x-custom", "1");
        decode(decoder, block.toByteArray());
        encoder.setMaxTableSize(0);
        encoder.setMaxTableSize(2048);
        assertThatThrownBy(() -> encoder.header(block, "x", "y")).isInstanceOf(IllegalStateException.class);
        // the smallest size in between first, then the final one
        assertThat(encode("x-custom", "1")).startsWith("20" + "3fe10f" + "40");
        assertThat(encoder.table().maxSize()).isEqualTo(2048);
        assertThat(decode(decoder, block.toByteArray())).isEqualTo(fields("x-custom", "1"));
        assertThat(decoder.table().maxSize()).isEqualTo(2048);
        assertThat(encode("x-custom", "1")).isEqualTo("be");
    }

    @Test
    void unchangedTableSizeSendsNoUpdate() {
        encoder.setMaxTableSize(4096);
        assertThat(encode(":status", "200")).isEqualTo("88");
    }

    @Test
    void capBelowTheDefaultIsSignalledInTheFirstBlock() {
        HpackEncoder capped = new HpackEncoder(1024);
        block.clear();
        capped.startBlock(block);
        capped.header(block, ":status", "200");
        assertThat(hex(block.toByteArray())).isEqualTo(hex(sizeUpdate(1024)) + "88");
        capped.setMaxTableSize(65536);
        block.clear();
        capped.startBlock(block);
        assertThat(block.length()).as("the peer allows more, the cap holds").isZero();
    }

    @Test
    void nonLatin1IsRefused() {
        encoder.startBlock(block);
        assertThatThrownBy(() -> encoder.header(block, "x-name", "\u20ac")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uppercaseNamesTripTheAssertion() {
        encoder.startBlock(block);
        assertThatThrownBy(() -> encoder.header(block, "Content-Type", "text/plain")).isInstanceOf(AssertionError.class);
    }

    @Test
    void roundTripThroughOurDecoder() throws Exception {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        var fields = fields(":status", "200", "content-type", "text/html; charset=utf-8", "set-cookie", "a=b",
                "cookie", "x", "date", "Fri, 04 Dec 2026 01:00:00 GMT", "x-empty", "", "vary", "\u00e9t\u00e9");
        for (int i = 0; i < 3; i++) {
            assertThat(decode(decoder, HpackTestSupport.encode(encoder, fields))).isEqualTo(fields);
            assertThat(decoder.table().size()).isEqualTo(encoder.table().size());
        }
    }

    private String encode(String name, String value) {
        block.clear();
        encoder.startBlock(block);
        encoder.header(block, name, value);
        return hex(block.toByteArray());
    }

    private static byte[] sizeUpdate(int size) {
        HeaderBlock out = new HeaderBlock();
        PrefixedInteger.encode(0x20, 5, size, out);
        return out.toByteArray();
    }
}
