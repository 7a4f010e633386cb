package dev.minihttp.http2;

import dev.minihttp.http.HttpHeaders;

/**
 * A request's field section once {@link RequestHeaderValidator} found it well-formed: what the
 * engine needs to build the exchange, the way {@code RequestHead} is for HTTP/1.1.
 *
 * @param method        {@code :method}
 * @param scheme        {@code :scheme} ({@code http}, {@code https} or another syntactically valid
 *                      scheme); null for CONNECT
 * @param authority     {@code :authority}, else the {@code host} field, else null (RFC 9113 8.3.1
 *                      lets a request have neither)
 * @param target        {@code :path} as sent: origin-form, or {@code *} for OPTIONS; null for CONNECT
 * @param path          the target before '?', still percent-encoded; null for CONNECT
 * @param query         the target after '?', or null
 * @param headers       the regular fields in wire order, names lowercase, several {@code cookie}
 *                      fields joined into one (RFC 9113 8.2.3)
 * @param contentLength the {@code content-length}, or -1 when absent
 */
public record Http2RequestHead(
        String method,
        String scheme,
        String authority,
        String target,
        String path,
        String query,
        HttpHeaders headers,
        long contentLength) {

    /**
     * CONNECT (RFC 9113 8.5): validated for its shape (an {@code :authority} with a port, no
     * {@code :scheme} or {@code :path}) only so it can be answered properly; minihttp proxies
     * nothing and answers it as not supported.
     */
    public boolean isConnect() {
        return "CONNECT".equals(method);
    }
}
