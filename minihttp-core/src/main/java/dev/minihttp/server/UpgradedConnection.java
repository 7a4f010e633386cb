package dev.minihttp.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLSession;

/**
 * A connection after {@code 101 Switching Protocols}, as the {@link UpgradeHandler} that took it
 * over sees it. Thread-safe; nothing here blocks except a write that asks to.
 */
public interface UpgradedConnection {

    /**
     * Moves buffered input bytes into {@code target}: returns how many, 0 when none are buffered
     * (demand a callback), -1 once the client ended its input and everything was read.
     */
    int read(ByteBuffer target);

    /** Input bytes buffered now. */
    int available();

    /**
     * Asks for one {@link UpgradeHandler#readable} callback once input bytes (or the end of the
     * input) are there: soon, on a worker, when they already are.
     */
    void demand();

    /**
     * Sends the bytes, in order after anything sent before. Never waits for the client unless
     * {@code mayBlock}: then it waits while the unsent bytes are above the high watermark, bounded
     * by the write timeout. @throws IOException once the connection is closed
     */
    void write(ByteBuffer data, boolean mayBlock) throws IOException;

    /** Whether a write now stays below the high watermark of unsent bytes; false once closed. */
    boolean isReady();

    /**
     * Runs {@code callback} on a worker (serialised with the other callbacks) once the unsent bytes
     * dropped below the low watermark, or soon when they already are.
     */
    void whenReady(Runnable callback);

    /** Sends what is unsent, then closes the connection; {@link UpgradeHandler#closed} follows. */
    void close();

    /** Whether the connection is closed or closing. */
    boolean isClosed();

    /** What the client asked to upgrade to (the request's {@code Upgrade} header), for stats. */
    String protocol();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** The TLS session, or null on a cleartext listener. */
    SSLSession sslSession();

    /** The connection's id (as {@link Request#connectionId()}). */
    long id();
}
