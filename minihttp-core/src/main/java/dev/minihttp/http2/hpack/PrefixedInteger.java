package dev.minihttp.http2.hpack;

import java.nio.ByteBuffer;

/**
 * The integer representation of RFC 7541 section 5.1: a value in the low N bits of a first octet
 * whose high bits belong to the field's representation, continued in 7-bit groups when it does
 * not fit. Values are limited to {@code Integer.MAX_VALUE}, which also caps the continuation at 5
 * octets: nothing in HPACK needs more, and an endless run of 0x80 octets is a cheap way to make a
 * decoder spin.
 */
final class PrefixedInteger {

    private PrefixedInteger() {
    }

    /**
     * Decodes the integer whose first octet, {@code first}, has already been read; the
     * continuation octets are read from {@code in}.
     */
    static int decode(int first, int prefixBits, ByteBuffer in) throws HpackCompressionException {
        int mask = (1 << prefixBits) - 1;
        int value = first & mask;
        if (value < mask) {
            return value;
        }
        long total = value;
        for (int shift = 0; ; shift += 7) {
            if (!in.hasRemaining()) {
                throw new HpackCompressionException("truncated integer");
            }
            int octet = in.get() & 0xFF;
            total += (long) (octet & 0x7F) << shift;
            if (total > Integer.MAX_VALUE) {
                throw new HpackCompressionException("integer overflow");
            }
            if ((octet & 0x80) == 0) {
                return (int) total;
            }
            if (shift >= 28) {
                // a sixth continuation octet can only add zeros or overflow
                throw new HpackCompressionException("integer overflow");
            }
        }
    }

    /** Writes {@code value} with {@code flags} in the bits above the N-bit prefix of the first octet. */
    static void encode(int flags, int prefixBits, int value, HeaderBlock out) {
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            out.write(flags | value);
            return;
        }
        out.write(flags | mask);
        value -= mask;
        while (value >= 0x80) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }
}
