package dev.minihttp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.tls.TestCertificates.Issued;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS connection holds record buffers only while ciphertext is in flight: once a request was read
 * and its response written, an idle keep-alive connection holds none (they were 33 KiB each).
 * Driven with a real JDK client over a real socket (a blocking one on the server side, so the test
 * can step the channel by hand).
 */
class TlsChannelBuffersTest {

    @TempDir
    static Path certificates;

    @Test
    void aKeepAliveConnectionBetweenRequestsHoldsNoRecordBuffer() throws Exception {
        Issued main = TestCertificates.issue(certificates, "main", "localhost");
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            CompletableFuture<String> client = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket socket = (SSLSocket) main.clientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
                    socket.setSoTimeout(10_000);
                    StringBuilder answers = new StringBuilder();
                    for (int i = 0; i < 2; i++) {
                        socket.getOutputStream().write(("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        answers.append(readLine(socket.getInputStream())).append('|');
                    }
                    return answers.toString();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SocketChannel accepted = listener.accept()) {
                TlsChannel tls = new TlsChannel(accepted, TlsOptions.of(main.serverContext()), new NoEvents(), null);
                ByteBuffer plaintext = ByteBuffer.allocate(64 * 1024);
                for (int i = 0; i < 2; i++) {
                    String request = readRequest(tls, plaintext);
                    assertThat(request).startsWith("GET /" + i + " ");
                    assertThat(tls.holdsRecordBuffers()).as("after reading request " + i).isFalse();
                    tls.write(new ByteBuffer[] {ByteBuffer.wrap(("answer " + i + "\n").getBytes(StandardCharsets.US_ASCII))});
                    assertThat(tls.hasBufferedOutput()).isFalse();
                    assertThat(tls.holdsRecordBuffers()).as("after answering request " + i).isFalse();
                }
                assertThat(client.get(20, TimeUnit.SECONDS)).isEqualTo("answer 0|answer 1|");
                tls.close(null);
            }
        }
    }

    /** Steps the channel until one request head is there, flushing the handshake's writes. */
    private static String readRequest(TlsChannel tls, ByteBuffer plaintext) throws Exception {
        plaintext.clear();
        while (true) {
            int read = tls.read(plaintext);
            tls.flush();
            if (read < 0) {
                throw new IllegalStateException("client closed");
            }
            String text = new String(plaintext.array(), 0, plaintext.position(), StandardCharsets.US_ASCII);
            if (text.contains("\r\n\r\n")) {
                return text;
            }
        }
    }

    private static String readLine(InputStream in) throws Exception {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static final class NoEvents implements TlsChannel.Events {
        @Override
        public void handshakeSucceeded(SSLSession session) {
        }

        @Override
        public void handshakeFailed(String reason) {
        }
    }
}
