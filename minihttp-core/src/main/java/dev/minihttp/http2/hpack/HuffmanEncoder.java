package dev.minihttp.http2.hpack;

/**
 * Huffman-codes ISO-8859-1 text (RFC 7541 section 5.2). The encoder first asks
 * {@link #encodedLength} and codes a string only when that is shorter than the string itself.
 */
final class HuffmanEncoder {

    private HuffmanEncoder() {
    }

    /**
     * The length in octets of the code of {@code text}, padding included.
     *
     * @throws IllegalArgumentException if a char is not ISO-8859-1: a field is octets, and a char
     *     above 0xFF has no single octet to stand for
     */
    static int encodedLength(String text) {
        long bits = 0;
        for (int i = 0, count = text.length(); i < count; i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("not an ISO-8859-1 char at " + i + ": U+" + Integer.toHexString(c));
            }
            bits += HuffmanCode.LENGTHS[c];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /** Writes the code of {@code text}, already checked by {@link #encodedLength}. */
    static void encode(String text, HeaderBlock out) {
        long pending = 0;   // the low `bits` bits are coded but not yet written
        int bits = 0;
        for (int i = 0, count = text.length(); i < count; i++) {
            char c = text.charAt(i);
            int length = HuffmanCode.LENGTHS[c];
            pending = (pending << length) | HuffmanCode.CODES[c];
            bits += length;
            while (bits >= 8) {
                bits -= 8;
                out.write((int) (pending >>> bits));
            }
            pending &= (1L << bits) - 1;
        }
        if (bits > 0) {
            // pad with the high bits of EOS, which are all ones
            out.write((int) ((pending << (8 - bits)) | (0xFF >>> bits)));
        }
    }
}
