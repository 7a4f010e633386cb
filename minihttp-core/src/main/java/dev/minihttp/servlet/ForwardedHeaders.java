package dev.minihttp.servlet;

import java.util.regex.Pattern;

/**
 * Whether and from whom to believe {@code X-Forwarded-For/-Proto/-Host/-Port}. Off by default:
 * a client that talks to minihttp directly could otherwise claim any address or scheme. When on,
 * the headers are honoured only when the connection comes from a trusted proxy address.
 *
 * @param enabled        whether the headers are read at all
 * @param trustedProxies addresses (as {@code InetAddress.getHostAddress()} prints them) of proxies to trust
 */
public record ForwardedHeaders(boolean enabled, Pattern trustedProxies) {

    /** Loopback, link-local and the private ranges: where a reverse proxy usually sits. */
    public static final Pattern INTERNAL_PROXIES = Pattern.compile(
            "127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|192\\.168\\.\\d{1,3}\\.\\d{1,3}"
                    + "|169\\.254\\.\\d{1,3}\\.\\d{1,3}|172\\.(1[6-9]|2\\d|3[01])\\.\\d{1,3}\\.\\d{1,3}"
                    + "|0:0:0:0:0:0:0:1|::1");

    public static ForwardedHeaders disabled() {
        return new ForwardedHeaders(false, INTERNAL_PROXIES);
    }

    public static ForwardedHeaders fromInternalProxies() {
        return new ForwardedHeaders(true, INTERNAL_PROXIES);
    }

    boolean trusts(String address) {
        return enabled && address != null && trustedProxies.matcher(address).matches();
    }
}
