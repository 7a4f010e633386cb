package dev.minihttp.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * The bytes of one connection as HTTP sees them: cleartext, whether the socket carries them as is
 * ({@link PlainTransport}) or encrypted ({@link TlsTransport}). Reading is the I/O thread's;
 * writing is serialised by {@link ConnectionOutput}'s lock.
 */
interface Transport {

    /** Plaintext into {@code buffer}: bytes added, 0 for none yet, -1 at the end of the stream. */
    int read(ByteBuffer buffer) throws IOException;

    /** Sends what the socket takes; returns the plaintext bytes consumed. Never blocks. */
    long write(ByteBuffer[] buffers) throws IOException;

    /** Sends bytes the transport buffered itself (a partly written TLS record); true when none are left. */
    boolean flush() throws IOException;

    /** Whether the transport holds bytes of its own that still have to reach the socket. */
    boolean hasBufferedOutput();

    /** Whether input waits inside the transport that the socket will not announce again. */
    boolean hasBufferedInput();

    /** Ends the outgoing direction (TLS: close_notify first), keeping the socket open for reading. */
    void shutdownOutput() throws IOException;

    /**
     * Ends the transport before the connection closes its socket; {@code reason} says why, for a
     * handshake that did not finish (null: the client went away).
     */
    void close(String reason);

    /** The TLS session once established, else null. */
    SSLSession session();

    /** The protocol ALPN agreed on ({@code h2}, {@code http/1.1}), "" for none, null on cleartext or before the handshake. */
    default String applicationProtocol() {
        return null;
    }

    /**
     * True while the transport's own work runs on another thread (a TLS handshake's delegated
     * tasks): reading returns nothing until then, so the owner stops watching the socket for input.
     */
    default boolean awaitingTasks() {
        return false;
    }

    /** Sets what runs, on another thread, when {@link #awaitingTasks()} turns false again. */
    default void whenTasksDone(Runnable callback) {
    }
}
