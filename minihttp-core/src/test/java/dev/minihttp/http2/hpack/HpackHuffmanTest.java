package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Huffman code both ways, checked symbol by symbol against Jetty's decoder, and its three errors. */
class HpackHuffmanTest {

    @Test
    void everySymbolRoundTripsAndJettyReadsIt() throws Exception {
        for (int symbol = 0; symbol < 256; symbol++) {
            for (String text : new String[] {String.valueOf((char) symbol), "a" + (char) symbol + "zz", "" + (char) symbol + (char) symbol}) {
                byte[] coded = encode(text);
                assertThat(coded).hasSize(HuffmanEncoder.encodedLength(text));
                assertThat(decode(coded)).as("symbol %d", symbol).isEqualTo(text);
                org.eclipse.jetty.http.compression.HuffmanDecoder jetty = new org.eclipse.jetty.http.compression.HuffmanDecoder();
                jetty.setLength(coded.length);
                assertThat(jetty.decode(ByteBuffer.wrap(coded))).as("Jetty reading symbol %d", symbol).isEqualTo(text);
            }
        }
    }

    @Test
    void randomStringsRoundTrip() throws Exception {
        Random random = new Random(7541);
        for (int i = 0; i < 2000; i++) {
            char[] chars = new char[random.nextInt(200)];
            for (int j = 0; j < chars.length; j++) {
                chars[j] = (char) random.nextInt(256);
            }
            String text = new String(chars);
            assertThat(decode(encode(text))).isEqualTo(text);
        }
    }

    @Test
    void knownCodes() {
        // RFC 7541 C.4.1
        assertThat(hex(encode("www.example.com"))).isEqualTo("f1e3c2e5f23a6ba0ab90f4ff");
        assertThat(HuffmanEncoder.encodedLength("")).isZero();
    }

    @Test
    void eosInTheStringIsAnError() {
        // 30 ones (EOS) then 2 bits of padding
        assertThatThrownBy(() -> decode(hex("ffffffff"))).isInstanceOf(HpackCompressionException.class).hasMessageContaining("EOS");
        // 'a' (00011) then EOS
        assertThatThrownBy(() -> decode(hex("1fffffff fe"))).isInstanceOf(HpackCompressionException.class).hasMessageContaining("EOS");
    }

    @Test
    void paddingLongerThanSevenBitsIsAnError() {
        assertThatThrownBy(() -> decode(hex("ff"))).isInstanceOf(HpackCompressionException.class).hasMessageContaining("padding");
        // 'a' (5 bits), 3 bits of padding, then a whole octet of ones
        assertThatThrownBy(() -> decode(hex("1fff"))).isInstanceOf(HpackCompressionException.class).hasMessageContaining("padding");
    }

    @Test
    void paddingNotAllOnesIsAnError() throws Exception {
        assertThat(decode(hex("1f"))).isEqualTo("a");
        assertThatThrownBy(() -> decode(hex("18"))).isInstanceOf(HpackCompressionException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> decode(hex("1e"))).isInstanceOf(HpackCompressionException.class).hasMessageContaining("padding");
    }

    @Test
    void decodingStopsStoringPastTheLimitButChecksTheRest() throws Exception {
        byte[] coded = encode("0123456789");
        byte[] out = new byte[4];
        ByteBuffer in = ByteBuffer.wrap(coded);
        assertThat(HuffmanDecoder.decode(in, coded.length, out, 4)).isEqualTo(HuffmanDecoder.TOO_LONG);
        assertThat(in.hasRemaining()).isFalse();
        byte[] bad = hex(hex(coded) + "ff");
        assertThatThrownBy(() -> HuffmanDecoder.decode(ByteBuffer.wrap(bad), bad.length, out, 4))
                .isInstanceOf(HpackCompressionException.class);
    }

    @Test
    void nonLatin1IsRefused() {
        assertThatThrownBy(() -> HuffmanEncoder.encodedLength("caf\u00e9 \u20ac")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] encode(String text) {
        HeaderBlock out = new HeaderBlock();
        HuffmanEncoder.encodedLength(text);
        HuffmanEncoder.encode(text, out);
        return out.toByteArray();
    }

    private static String decode(byte[] coded) throws HpackCompressionException {
        byte[] out = new byte[coded.length * 8 / 5];
        int length = HuffmanDecoder.decode(ByteBuffer.wrap(coded), coded.length, out, out.length);
        return new String(out, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
