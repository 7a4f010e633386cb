package dev.minihttp.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLSession;

/** Cleartext: the socket's bytes are the HTTP bytes. */
final class PlainTransport implements Transport {

    private final SocketChannel channel;

    PlainTransport(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read(ByteBuffer buffer) throws IOException {
        return channel.read(buffer);
    }

    @Override
    public long write(ByteBuffer[] buffers) throws IOException {
        return channel.write(buffers);
    }

    @Override
    public boolean flush() {
        return true;
    }

    @Override
    public boolean hasBufferedOutput() {
        return false;
    }

    @Override
    public boolean hasBufferedInput() {
        return false;
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close(String reason) {
        // the connection closes the socket
    }

    @Override
    public SSLSession session() {
        return null;
    }
}
