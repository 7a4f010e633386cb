package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * 1,200 open, idle WebSocket sessions cost connection slots and no thread: no worker is busy and
 * the pool does not grow while they sit there, and ordinary HTTP requests are served beside them.
 */
@SpringBootTest(classes = WebSocketApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WebSocketProtocolTest.MAX_MESSAGE, WebSocketProtocolTest.EXPOSE})
class WebSocketIdleConnectionsTest {

    private static final int SESSIONS = 1_200;

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void idleSessionsHoldNoWorkerWhileHttpIsServed() throws Exception {
        MiniHttpWebServer server = (MiniHttpWebServer) context.getWebServer();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < SESSIONS; i++) {
                sockets.add(open());
            }
            Http.await(() -> server.stats().busyThreads() == 0 && server.stats().upgradedConnections() >= SESSIONS);
            assertThat(server.stats().upgradedConnections()).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(server.stats().connections()).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(server.stats().busyThreads()).isZero();
            int threads = server.stats().currentThreads();
            // Far fewer workers than sessions were ever started: the handshakes ran one after another.
            assertThat(threads).isLessThan(SESSIONS / 10);

            for (int i = 0; i < 50; i++) {
                HttpResponse<String> response = Http.get(port, "/actuator/health");
                assertThat(response.statusCode()).isEqualTo(200);
            }
            // The last session still answers: idle is not dead.
            Socket last = sockets.get(sockets.size() - 1);
            last.getOutputStream().write(maskedText("still here"));
            DataInputStream in = new DataInputStream(last.getInputStream());
            assertThat(in.readUnsignedByte()).isEqualTo(0x81);
            int length = in.readUnsignedByte();
            byte[] payload = new byte[length];
            in.readFully(payload);
            assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("still here");

            Http.await(() -> server.stats().busyThreads() == 0);
            assertThat(server.stats().busyThreads()).isZero();
            assertThat(server.stats().currentThreads()).isLessThanOrEqualTo(threads + 2);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        Http.await(() -> server.stats().upgradedConnections() == 0);
        assertThat(server.stats().upgradedConnections()).isZero();
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        String head = WebSocketProtocolTest.readHead(socket.getInputStream());
        assertThat(head).startsWith("HTTP/1.1 101");
        return socket;
    }

    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {1, 2, 3, 4};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }
}
