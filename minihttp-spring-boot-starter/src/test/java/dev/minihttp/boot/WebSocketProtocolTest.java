package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * RFC 6455 on the wire, raw sockets against the Tyrus-backed Spring echo handler: what a strict
 * server must refuse and how, control frames inside a fragmented message, and both close handshakes.
 */
@SpringBootTest(classes = WebSocketApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WebSocketProtocolTest.MAX_MESSAGE, WebSocketProtocolTest.EXPOSE})
class WebSocketProtocolTest {

    // The same properties in every WebSocket test class: they share one application context.
    static final String MAX_MESSAGE = "minihttp.websocket.max-message-size=256KB";
    static final String EXPOSE = "management.endpoints.web.exposure.include=health,metrics,minihttp";
    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    @LocalServerPort
    int port;

    /** A frame as the server sent it. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    /** One raw WebSocket connection, handshake done. */
    final class Raw implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final DataInputStream in;

        Raw(String path) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
        }

        void send(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write((fin ? 0x80 : 0) | opcode);
            int maskBit = masked ? 0x80 : 0;
            if (payload.length < 126) {
                frame.write(maskBit | payload.length);
            } else if (payload.length < 65536) {
                frame.write(maskBit | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            } else {
                frame.write(maskBit | 127);
                for (int shift = 56; shift >= 0; shift -= 8) {
                    frame.write((int) ((long) payload.length >>> shift) & 0xFF);
                }
            }
            byte[] body = payload.clone();
            if (masked) {
                byte[] mask = new byte[4];
                ThreadLocalRandom.current().nextBytes(mask);
                frame.write(mask);
                for (int i = 0; i < body.length; i++) {
                    body[i] ^= mask[i % 4];
                }
            }
            frame.write(body);
            out.write(frame.toByteArray());
            out.flush();
        }

        void send(boolean fin, int opcode, byte[] payload) throws IOException {
            send(fin, opcode, payload, true);
        }

        void sendText(String text) throws IOException {
            send(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
        }

        void sendClose(int code, String reason) throws IOException {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            send(true, CLOSE, payload);
        }

        Frame read() throws IOException {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            assertThat(second & 0x80).as("server frames are never masked").isZero();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return new Frame((first & 0x80) != 0, first & 0x0F, payload);
        }

        /** The next close frame (the server may still send what it had queued before it). */
        Frame readClose() throws IOException {
            Frame frame;
            do {
                frame = read();
            } while (frame.opcode() != CLOSE);
            return frame;
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (IOException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed inside the handshake response: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void echoesAMaskedTextFrame() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.sendText("hello");
            Frame echoed = ws.read();
            assertThat(echoed.opcode()).isEqualTo(TEXT);
            assertThat(echoed.fin()).isTrue();
            assertThat(echoed.text()).isEqualTo("hello");
        }
    }

    @Test
    void unmaskedClientFrameIsAProtocolError() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.send(true, TEXT, "hello".getBytes(StandardCharsets.UTF_8), false);
            assertThat(ws.readClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void invalidUtf8InAFragmentedTextMessageIs1007() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.send(false, TEXT, "ab".getBytes(StandardCharsets.UTF_8));
            ws.send(true, CONTINUATION, new byte[] {(byte) 0xC3, (byte) 0x28});
            assertThat(ws.readClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void controlFrameOver125BytesIsAProtocolError() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.send(true, PING, new byte[126]);
            assertThat(ws.readClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void pingInsideAFragmentedMessageIsAnsweredAtOnce() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.send(false, TEXT, "hel".getBytes(StandardCharsets.UTF_8));
            ws.send(true, PING, "are you there".getBytes(StandardCharsets.UTF_8));
            Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("are you there");
            ws.send(true, CONTINUATION, "lo".getBytes(StandardCharsets.UTF_8));
            Frame echoed = ws.read();
            assertThat(echoed.opcode()).isEqualTo(TEXT);
            assertThat(echoed.text()).isEqualTo("hello");
        }
    }

    @Test
    void closeHandshakeStartedByTheClient() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.sendClose(1000, "done");
            Frame close = ws.readClose();
            assertThat(close.closeCode()).isEqualTo(1000);
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void closeHandshakeStartedByTheServer() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.sendText("close");
            Frame close = ws.readClose();
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8)).isEqualTo("asked to");
            ws.sendClose(1001, "");
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void messageOverTheLimitIs1009() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            ws.send(true, TEXT, "y".repeat(256 * 1024 + 1).getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readClose().closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void fragmentedMessageOverTheLimitIs1009() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            byte[] part = "z".repeat(100 * 1024).getBytes(StandardCharsets.UTF_8);
            ws.send(false, TEXT, part);
            ws.send(false, CONTINUATION, part);
            ws.send(true, CONTINUATION, part);
            assertThat(ws.readClose().closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void messageAtTheLimitIsEchoed() throws Exception {
        try (Raw ws = new Raw("/echo")) {
            String text = "w".repeat(256 * 1024);
            ws.sendText(text);
            Frame echoed = ws.read();
            assertThat(echoed.text()).isEqualTo(text);
        }
    }
}
