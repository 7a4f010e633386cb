package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * {@code minihttp.websocket.ping-interval}: a quiet session gets pings from the server's one ping
 * thread, with no worker busy for them, and answering with pongs keeps it working.
 */
@SpringBootTest(classes = WebSocketApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WebSocketProtocolTest.MAX_MESSAGE, "minihttp.websocket.ping-interval=300ms"})
class WebSocketPingTest {

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void quietSessionIsPingedFromTheSchedulerNotAWorker() throws Exception {
        MiniHttpWebServer server = (MiniHttpWebServer) context.getWebServer();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(WebSocketProtocolTest.readHead(in)).startsWith("HTTP/1.1 101");

            // Nothing sent by the client: the server's ping comes, an empty final ping frame.
            assertThat(in.readUnsignedByte()).isEqualTo(0x80 | WebSocketProtocolTest.PING);
            assertThat(in.readUnsignedByte()).isZero();
            out.write(masked(WebSocketProtocolTest.PONG, new byte[0]));
            Http.await(() -> server.stats().busyThreads() == 0);
            // Pings keep coming while the session stays quiet, and no worker is busy for them.
            assertThat(in.readUnsignedByte()).isEqualTo(0x80 | WebSocketProtocolTest.PING);
            assertThat(in.readUnsignedByte()).isZero();
            assertThat(server.stats().busyThreads()).isZero();
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .containsOnlyOnce("minihttp-websocket-ping");

            // The session still works: the echo arrives (after any ping that went out meanwhile).
            out.write(masked(WebSocketProtocolTest.TEXT, "still here".getBytes(StandardCharsets.UTF_8)));
            int first;
            while ((first = in.readUnsignedByte()) == (0x80 | WebSocketProtocolTest.PING)) {
                assertThat(in.readUnsignedByte()).isZero();
            }
            assertThat(first).isEqualTo(0x80 | WebSocketProtocolTest.TEXT);
            byte[] payload = new byte[in.readUnsignedByte()];
            in.readFully(payload);
            assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("still here");
        }
    }

    private static byte[] masked(int opcode, byte[] payload) throws IOException {
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {7, 1, 9, 3};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
