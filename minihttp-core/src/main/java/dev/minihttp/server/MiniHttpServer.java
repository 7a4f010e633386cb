package dev.minihttp.server;

import java.io.IOException;
import java.time.Duration;

/** Stub: the engine is being written. */
public final class MiniHttpServer implements AutoCloseable {

    public MiniHttpServer(ServerOptions options, Handler handler) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Binds the port and starts the I/O and worker threads. @throws java.net.BindException when the port is taken */
    public void start() throws IOException {
        throw new UnsupportedOperationException("TODO");
    }

    /** The bound port (the real one when the options said 0); -1 before start. */
    public int port() {
        throw new UnsupportedOperationException("TODO");
    }

    /** Stops at once: closes every connection, interrupts workers, deletes temp files. Idempotent. */
    public void stop() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Stops accepting, closes idle keep-alive connections, lets running and queued requests finish,
     * then stops. Returns true when everything finished within {@code timeout}, false when it had
     * to cut work short (the server is stopped either way).
     */
    public boolean shutdownGracefully(Duration timeout) {
        throw new UnsupportedOperationException("TODO");
    }

    public ServerStats stats() {
        throw new UnsupportedOperationException("TODO");
    }

    public ServerOptions options() {
        throw new UnsupportedOperationException("TODO");
    }

    public boolean isRunning() {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
        stop();
    }
}
