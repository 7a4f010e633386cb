package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.decode;
import static dev.minihttp.http2.hpack.HpackTestSupport.encode;
import static dev.minihttp.http2.hpack.HpackTestSupport.entries;
import static dev.minihttp.http2.hpack.HpackTestSupport.fields;
import static dev.minihttp.http2.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.http2.hpack.HpackEncoder.HuffmanChoice;
import dev.minihttp.http2.hpack.HpackTestSupport.Field;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * RFC 7541 Appendix C, byte for byte, both ways: our decoder turns each example block into its
 * fields and table, and our encoder, told to index everything as the examples' encoder does,
 * writes the very same bytes.
 */
class HpackRfcExamplesTest {

    @Nested
    class C1Integers {

        @Test
        void tenInAFiveBitPrefix() throws Exception {
            assertInteger(10, 5, "0a");
        }

        @Test
        void thirteenThirtySevenInAFiveBitPrefix() throws Exception {
            assertInteger(1337, 5, "1f9a0a");
        }

        @Test
        void fortyTwoAtAnOctetBoundary() throws Exception {
            assertInteger(42, 8, "2a");
        }

        private void assertInteger(int value, int prefixBits, String wire) throws Exception {
            HeaderBlock out = new HeaderBlock();
            PrefixedInteger.encode(0, prefixBits, value, out);
            assertThat(hex(out.toByteArray())).isEqualTo(wire);
            ByteBuffer in = ByteBuffer.wrap(hex(wire));
            int first = in.get() & 0xFF;
            assertThat(PrefixedInteger.decode(first, prefixBits, in)).isEqualTo(value);
            assertThat(in.hasRemaining()).isFalse();
        }
    }

    @Nested
    class C2FieldRepresentations {

        @Test
        void literalWithIndexing() throws Exception {
            String wire = "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572";
            HpackDecoder decoder = new HpackDecoder(4096, 65536);
            assertThat(decode(decoder, hex(wire))).isEqualTo(fields("custom-key", "custom-header"));
            assertThat(entries(decoder.table())).isEqualTo(fields("custom-key", "custom-header"));
            assertThat(decoder.table().size()).isEqualTo(55);

            HpackEncoder encoder = new HpackEncoder(4096, true, HuffmanChoice.NEVER);
            assertThat(hex(encode(encoder, fields("custom-key", "custom-header")))).isEqualTo(hex(hex(wire)));
        }

        @Test
        void literalWithoutIndexing() throws Exception {
            String wire = "040c 2f73 616d 706c 652f 7061 7468";
            HpackDecoder decoder = new HpackDecoder(4096, 65536);
            assertThat(decode(decoder, hex(wire))).isEqualTo(fields(":path", "/sample/path"));
            assertThat(decoder.table().length()).isZero();

            // :path is one of the fields our policy never indexes
            HpackEncoder encoder = new HpackEncoder(4096, false, HuffmanChoice.NEVER);
            assertThat(hex(encode(encoder, fields(":path", "/sample/path")))).isEqualTo(hex(hex(wire)));
        }

        @Test
        void literalNeverIndexed() throws Exception {
            String wire = "1008 7061 7373 776f 7264 0673 6563 7265 74";
            HpackDecoder decoder = new HpackDecoder(4096, 65536);
            assertThat(decode(decoder, hex(wire))).isEqualTo(fields("password", "secret"));
            assertThat(decoder.table().length()).isZero();

            HpackEncoder encoder = new HpackEncoder(4096, false, HuffmanChoice.NEVER);
            HeaderBlock block = new HeaderBlock();
            encoder.startBlock(block);
            encoder.header(block, "password", "secret", true);
            assertThat(hex(block.toByteArray())).isEqualTo(hex(hex(wire)));
        }

        @Test
        void indexed() throws Exception {
            HpackDecoder decoder = new HpackDecoder(4096, 65536);
            assertThat(decode(decoder, hex("82"))).isEqualTo(fields(":method", "GET"));
            assertThat(decoder.table().length()).isZero();
            assertThat(hex(encode(new HpackEncoder(), fields(":method", "GET")))).isEqualTo("82");
        }
    }

    /** C.3 and C.4: the same three requests on one connection, without and with Huffman. */
    static final List<List<Field>> REQUESTS = List.of(
            fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com"),
            fields(":method", "GET", ":scheme", "http", ":path", "/", ":authority", "www.example.com",
                    "cache-control", "no-cache"),
            fields(":method", "GET", ":scheme", "https", ":path", "/index.html", ":authority", "www.example.com",
                    "custom-key", "custom-value"));

    static final List<List<Field>> REQUEST_TABLES = List.of(
            fields(":authority", "www.example.com"),
            fields("cache-control", "no-cache", ":authority", "www.example.com"),
            fields("custom-key", "custom-value", "cache-control", "no-cache", ":authority", "www.example.com"));

    static final int[] REQUEST_TABLE_SIZES = {57, 110, 164};

    @Test
    void c3RequestsWithoutHuffman() throws Exception {
        assertConnection(4096, HuffmanChoice.NEVER, REQUESTS, REQUEST_TABLES, REQUEST_TABLE_SIZES,
                "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                "8286 84be 5808 6e6f 2d63 6163 6865",
                "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65");
    }

    @Test
    void c4RequestsWithHuffman() throws Exception {
        assertConnection(4096, HuffmanChoice.ALWAYS, REQUESTS, REQUEST_TABLES, REQUEST_TABLE_SIZES,
                "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
                "8286 84be 5886 a8eb 1064 9cbf",
                "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
    }

    /** C.5 and C.6: three responses with a 256-octet table, so that fields get evicted. */
    static final List<List<Field>> RESPONSES = List.of(
            fields(":status", "302", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"),
            fields(":status", "307", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "location", "https://www.example.com"),
            fields(":status", "200", "cache-control", "private", "date", "Mon, 21 Oct 2013 20:13:22 GMT",
                    "location", "https://www.example.com", "content-encoding", "gzip",
                    "set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1"));

    static final List<List<Field>> RESPONSE_TABLES = List.of(
            fields("location", "https://www.example.com", "date", "Mon, 21 Oct 2013 20:13:21 GMT",
                    "cache-control", "private", ":status", "302"),
            fields(":status", "307", "location", "https://www.example.com",
                    "date", "Mon, 21 Oct 2013 20:13:21 GMT", "cache-control", "private"),
            fields("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1",
                    "content-encoding", "gzip", "date", "Mon, 21 Oct 2013 20:13:22 GMT"));

    static final int[] RESPONSE_TABLE_SIZES = {222, 222, 215};

    @Test
    void c5ResponsesWithoutHuffman() throws Exception {
        assertConnection(256, HuffmanChoice.NEVER, RESPONSES, RESPONSE_TABLES, RESPONSE_TABLE_SIZES,
                """
                4803 3330 3258 0770 7269 7661 7465 611d
                4d6f 6e2c 2032 3120 4f63 7420 3230 3133
                2032 303a 3133 3a32 3120 474d 546e 1768
                7474 7073 3a2f 2f77 7777 2e65 7861 6d70
                6c65 2e63 6f6d""",
                "4803 3330 37c1 c0bf",
                """
                88c1 611d 4d6f 6e2c 2032 3120 4f63 7420
                3230 3133 2032 303a 3133 3a32 3220 474d
                54c0 5a04 677a 6970 7738 666f 6f3d 4153
                444a 4b48 514b 425a 584f 5157 454f 5049
                5541 5851 5745 4f49 553b 206d 6178 2d61
                6765 3d33 3630 303b 2076 6572 7369 6f6e
                3d31""");
    }

    @Test
    void c6ResponsesWithHuffman() throws Exception {
        assertConnection(256, HuffmanChoice.ALWAYS, RESPONSES, RESPONSE_TABLES, RESPONSE_TABLE_SIZES,
                """
                4882 6402 5885 aec3 771a 4b61 96d0 7abe
                9410 54d4 44a8 2005 9504 0b81 66e0 82a6
                2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8
                e9ae 82ae 43d3""",
                "4883 640e ffc1 c0bf",
                """
                88c1 6196 d07a be94 1054 d444 a820 0595
                040b 8166 e084 a62d 1bff c05a 839b d9ab
                77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b
                3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
                9587 3160 65c0 03ed 4ee5 b106 3d50 07""");
    }

    /**
     * The RFC's examples set the table size out of band ("SETTINGS_HEADER_TABLE_SIZE is set to
     * 256"), with no size update on the wire: both ends here start at that size.
     */
    private static void assertConnection(int tableSize, HuffmanChoice huffman, List<List<Field>> blocks,
            List<List<Field>> tables, int[] tableSizes, String... wires) throws Exception {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        decoder.table().setMaxSize(tableSize);
        HpackEncoder encoder = new HpackEncoder(4096, true, huffman);
        encoder.table().setMaxSize(tableSize);
        for (int i = 0; i < wires.length; i++) {
            byte[] wire = hex(wires[i]);
            assertThat(decode(decoder, wire)).as("block %d decoded", i + 1).isEqualTo(blocks.get(i));
            assertThat(entries(decoder.table())).as("decoder's table after block %d", i + 1).isEqualTo(tables.get(i));
            assertThat(decoder.table().size()).isEqualTo(tableSizes[i]);

            assertThat(hex(encode(encoder, blocks.get(i)))).as("block %d encoded", i + 1).isEqualTo(hex(wire));
            assertThat(entries(encoder.table())).as("encoder's table after block %d", i + 1).isEqualTo(tables.get(i));
        }
    }
}
