package dev.minihttp.http2.hpack;

import java.nio.ByteBuffer;

/**
 * Decodes Huffman-coded strings (RFC 7541 section 5.2) four bits at a time with a state machine
 * built once from {@link HuffmanCode}: a state is an inner node of the code tree, and a table
 * says for each state and nibble which state follows and which symbol, if any, was completed on
 * the way. No code is shorter than 5 bits, so a nibble completes at most one symbol.
 *
 * <p>The three decoding errors of the RFC are all in the table: a nibble that completes EOS
 * fails, and a string may end only in a state that is the root (no padding) or at most 7 bits
 * down the all-ones path (padding that is a prefix of EOS).
 */
final class HuffmanDecoder {

    /** {@link #decode} result when the decoded string would be longer than the limit given. */
    static final int TOO_LONG = -1;

    private static final int EMITS = 1 << 16;
    private static final int ACCEPTS = 1 << 17;
    private static final int FAILS = 1 << 18;

    /** For state s and nibble n, at [s * 16 + n]: next state (bits 0-7), symbol (8-15), flags. */
    private static final int[] TRANSITIONS = buildTransitions();

    private HuffmanDecoder() {
    }

    /**
     * Decodes the {@code length} octets at {@code in}'s position into {@code out} from index 0,
     * and moves the position past them. Returns how many octets were decoded or, when that would be
     * more than {@code limit}, {@link #TOO_LONG}: the rest is then still checked but not stored,
     * so the caller may drop an oversized string without allocating for it.
     *
     * @param out at least {@code min(limit, length * 8 / 5)} long (5 bits is the shortest code)
     */
    static int decode(ByteBuffer in, int length, byte[] out, int limit) throws HpackCompressionException {
        int state = 0;
        int flags = ACCEPTS;
        int count = 0;
        int position = in.position();
        for (int i = 0; i < length; i++) {
            int octet = in.get(position + i) & 0xFF;
            for (int shift = 4; shift >= 0; shift -= 4) {
                int transition = TRANSITIONS[(state << 4) | ((octet >>> shift) & 0xF)];
                if ((transition & FAILS) != 0) {
                    throw new HpackCompressionException("EOS in a Huffman-coded string");
                }
                if ((transition & EMITS) != 0) {
                    if (count < limit) {
                        out[count] = (byte) (transition >>> 8);
                    }
                    count++;
                }
                state = transition & 0xFF;
                flags = transition;
            }
        }
        in.position(position + length);
        if ((flags & ACCEPTS) == 0) {
            throw new HpackCompressionException("bad Huffman padding (longer than 7 bits or not all ones)");
        }
        return count > limit ? TOO_LONG : count;
    }

    private static int[] buildTransitions() {
        // the code tree: inner nodes 0..255 (0 the root); a child >= 0 is an inner node, a child
        // < 0 is the leaf of symbol -child - 1. 257 leaves make exactly 256 inner nodes.
        int[][] children = new int[256][2];
        int[] depth = new int[256];
        boolean[] allOnes = new boolean[256];
        allOnes[0] = true;
        int nodes = 1;
        for (int symbol = 0; symbol <= HuffmanCode.EOS; symbol++) {
            int code = HuffmanCode.CODES[symbol];
            int length = HuffmanCode.LENGTHS[symbol];
            int node = 0;
            for (int bit = length - 1; bit > 0; bit--) {
                int branch = (code >>> bit) & 1;
                if (children[node][branch] == 0) {
                    int child = nodes++;
                    children[node][branch] = child;
                    depth[child] = depth[node] + 1;
                    allOnes[child] = allOnes[node] && branch == 1;
                }
                node = children[node][branch];
            }
            children[node][code & 1] = -symbol - 1;
        }
        if (nodes != 256) {
            throw new IllegalStateException("the Huffman code is not complete: " + nodes + " inner nodes");
        }
        int[] transitions = new int[256 * 16];
        for (int state = 0; state < 256; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int result = 0;
                for (int shift = 3; shift >= 0; shift--) {
                    int child = children[node][(nibble >>> shift) & 1];
                    if (child >= 0) {
                        node = child;
                        continue;
                    }
                    int symbol = -child - 1;
                    if (symbol == HuffmanCode.EOS) {
                        result |= FAILS;
                        break;
                    }
                    result |= EMITS | (symbol << 8);
                    node = 0;
                }
                // ending here leaves `depth` padding bits: fine if none, or up to 7 ones
                if (node == 0 || (allOnes[node] && depth[node] <= 7)) {
                    result |= ACCEPTS;
                }
                transitions[(state << 4) | nibble] = result | node;
            }
        }
        return transitions;
    }
}
