package dev.minihttp.http2.hpack;

/**
 * The block broke RFC 7541 (a bad index, a truncated or overlong integer or string, bad Huffman
 * code or padding, a misplaced or too large table size update). The peer's dynamic table and ours
 * may now disagree, so the decoder refuses every later block: the connection must end with a
 * GOAWAY carrying COMPRESSION_ERROR (RFC 9113 section 4.3).
 */
public final class HpackCompressionException extends HpackException {

    HpackCompressionException(String message) {
        super(message);
    }
}
