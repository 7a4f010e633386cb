package dev.minihttp.server;

import dev.minihttp.tls.TlsChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSession;

/** HTTP over TLS: the engine's view of a {@link TlsChannel}. */
final class TlsTransport implements Transport {

    private final SocketChannel channel;
    private final TlsChannel tls;

    TlsTransport(SocketChannel channel, TlsChannel tls) {
        this.channel = channel;
        this.tls = tls;
    }

    @Override
    public int read(ByteBuffer buffer) throws IOException {
        return tls.read(buffer);
    }

    @Override
    public long write(ByteBuffer[] buffers) throws IOException {
        return tls.write(buffers);
    }

    @Override
    public boolean flush() throws IOException {
        return tls.flush();
    }

    @Override
    public boolean hasBufferedOutput() {
        return tls.hasBufferedOutput();
    }

    @Override
    public boolean hasBufferedInput() {
        return tls.hasBufferedInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        tls.closeOutbound();
        channel.shutdownOutput();
    }

    @Override
    public void close(String reason) {
        tls.close(reason);
    }

    @Override
    public SSLSession session() {
        return tls.session();
    }

    @Override
    public String applicationProtocol() {
        return tls.applicationProtocol();
    }

    @Override
    public boolean awaitingTasks() {
        return tls.awaitingTasks();
    }

    @Override
    public void whenTasksDone(Runnable callback) {
        tls.whenTasksDone(callback);
    }
}
