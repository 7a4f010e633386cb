package dev.minihttp.server;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * What speaks on a connection once it left HTTP/1.1: an upgraded protocol ({@link Upgraded},
 * after {@code 101 Switching Protocols}) or HTTP/2 ({@link Http2Connection}). The
 * {@link Connection} keeps the socket, the transport, the output and the close; these are the
 * points where it hands the bytes and the clock to the protocol. I/O thread only, except
 * {@link #runWriteReady}.
 */
interface ConnectionProtocol {

    /** The socket (or the TLS layer) has input: read it from the transport, into {@code scratch} if that helps. */
    void onReadable(ByteBuffer scratch) throws IOException;

    /** The output took bytes off its queue: a protocol that held back output for it can go on. */
    default void onOutputProgress() {
    }

    /** The sweep's clock, a few times a second; {@code draining}: a graceful shutdown is under way. */
    void checkTimeouts(long now, boolean draining);

    /** Graceful shutdown: finish what runs, take nothing new, then close (called again until closed). */
    void shutdown();

    /** The connection closed (any reason); release what the protocol holds and tell whoever waits. */
    void connectionClosed();

    /** Runs a write-readiness callback of the connection's output on a worker (any thread). */
    void runWriteReady(Runnable task);

    /** Names of what the protocol holds of the loop's pools, for tests (see {@link Connection#heldBuffers()}). */
    default void heldBuffers(java.util.List<String> held) {
    }
}
