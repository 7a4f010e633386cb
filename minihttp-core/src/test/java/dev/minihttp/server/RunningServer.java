package dev.minihttp.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * A started server on an ephemeral loopback port, stopped by try-with-resources or @AfterEach.
 * Public for the tests in {@code dev.minihttp.reliability}.
 */
public final class RunningServer implements AutoCloseable {

    public final MiniHttpServer server;

    private RunningServer(MiniHttpServer server) {
        this.server = server;
    }

    public static RunningServer start(ServerOptions.Builder options, Handler handler) {
        MiniHttpServer server = new MiniHttpServer(options.host("127.0.0.1").port(0).build(), handler);
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunningServer(server);
    }

    public static RunningServer start(Handler handler) {
        return start(ServerOptions.builder().workerThreads(8), handler);
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public RawConnection connect() throws IOException {
        return new RawConnection(port());
    }

    public ServerStats stats() {
        return server.stats();
    }

    @Override
    public void close() {
        server.stop();
    }
}
