/**
 * HPACK, the header compression of HTTP/2 (RFC 7541): {@link dev.minihttp.http2.hpack.HpackDecoder}
 * turns a peer's header blocks into fields, {@link dev.minihttp.http2.hpack.HpackEncoder} turns
 * ours into blocks, each keeping its connection's dynamic table. A codec only: no frames, no
 * threads, no sockets; the HTTP/2 connection owns one of each per connection. docs/hpack.md
 * explains the bounds and the encoder's indexing policy.
 */
package dev.minihttp.http2.hpack;
