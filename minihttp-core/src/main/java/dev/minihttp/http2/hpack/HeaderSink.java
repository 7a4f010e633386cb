package dev.minihttp.http2.hpack;

/**
 * Receives the fields of a header block, in order, as {@link HpackDecoder} decodes them. Names
 * and values are the field's octets as ISO-8859-1 characters, not validated beyond HPACK: whether
 * they make a well-formed HTTP/2 field (lowercase name, no CR, LF or NUL, pseudo-fields first)
 * is the stream's business (RFC 9113 section 8.2), which answers a malformed one with a stream error.
 */
@FunctionalInterface
public interface HeaderSink {

    void header(String name, String value);
}
