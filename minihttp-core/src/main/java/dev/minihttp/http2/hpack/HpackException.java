package dev.minihttp.http2.hpack;

/**
 * Why a header block could not be decoded. The two kinds call for different answers, so they
 * are two types: {@link HpackCompressionException} ends the connection (COMPRESSION_ERROR),
 * {@link HeaderListTooLargeException} only refuses the stream (431).
 */
public abstract sealed class HpackException extends Exception
        permits HpackCompressionException, HeaderListTooLargeException {

    HpackException(String message) {
        super(message, null, false, false);
    }
}
