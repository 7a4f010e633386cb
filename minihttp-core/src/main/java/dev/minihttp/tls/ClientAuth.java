package dev.minihttp.tls;

/** Whether a TLS listener asks the client for a certificate. */
public enum ClientAuth {
    /** No certificate is asked for. */
    NONE,
    /** A certificate is asked for; the handshake succeeds without one. */
    WANT,
    /** A certificate is required; the handshake fails without a trusted one. */
    NEED
}
