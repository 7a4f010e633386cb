package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.permessage_deflate.PerMessageDeflateExtension;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * permessage-deflate (RFC 7692): negotiated when the client offers it, with Chromium's offer
 * ({@code client_max_window_bits}), Java-WebSocket's client and raw compressed frames; offers
 * that cannot be honoured are declined; a message that inflates past the limit is closed with 1009.
 */
@SpringBootTest(classes = WebSocketApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WebSocketProtocolTest.MAX_MESSAGE, WebSocketProtocolTest.EXPOSE})
class WebSocketCompressionTest {

    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    @LocalServerPort
    int port;

    /** A raw client that offers the given extensions and speaks deflate itself (one context per direction). */
    final class Raw implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final DataInputStream in;
        final String head;
        final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        final Inflater inflater = new Inflater(true);

        Raw(String path, String extensions) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new DataInputStream(socket.getInputStream());
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n"
                    + "Sec-WebSocket-Extensions: " + extensions + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            head = WebSocketProtocolTest.readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
        }

        String extensionsHeader() {
            return head.lines().filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Extensions:", 0, 25))
                    .map(l -> l.substring(25).trim()).findFirst().orElse(null);
        }

        void sendFrame(int first, byte[] payload) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(first);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }

        void sendCompressedText(String text) throws IOException {
            sendFrame(0xC1, compress(text.getBytes(StandardCharsets.UTF_8)));
        }

        byte[] compress(byte[] data) {
            deflater.setInput(data);
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            do {
                n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                compressed.write(chunk, 0, n);
            } while (n == chunk.length);
            byte[] bytes = compressed.toByteArray();
            assertThat(Arrays.copyOfRange(bytes, bytes.length - 4, bytes.length)).isEqualTo(TAIL);
            return Arrays.copyOf(bytes, bytes.length - 4);
        }

        /** Reads one frame: its first byte, and its payload (inflated when RSV1 says it is compressed). */
        String readText() throws Exception {
            int first = in.readUnsignedByte();
            byte[] payload = payload();
            assertThat(first & 0x0F).as("a text frame").isEqualTo(1);
            if ((first & 0x40) == 0) {
                return "plain:" + new String(payload, StandardCharsets.UTF_8);
            }
            byte[] whole = Arrays.copyOf(payload, payload.length + 4);
            System.arraycopy(TAIL, 0, whole, payload.length, 4);
            inflater.setInput(whole);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                text.write(chunk, 0, n);
            }
            return "deflated:" + text.toString(StandardCharsets.UTF_8);
        }

        int readCloseCode() throws IOException {
            while (true) {
                int first = in.readUnsignedByte();
                byte[] payload = payload();
                if ((first & 0x0F) == 0x8) {
                    return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
                }
            }
        }

        private byte[] payload() throws IOException {
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return payload;
        }

        @Override
        public void close() throws IOException {
            deflater.end();
            inflater.end();
            socket.close();
        }
    }

    @Test
    void chromiumsOfferIsAcceptedAndMessagesAreCompressedBothWays() throws Exception {
        // What Chromium sends. Spring's own selection (name and parameters equal) would drop it.
        try (Raw ws = new Raw("/echo", "permessage-deflate; client_max_window_bits")) {
            assertThat(ws.extensionsHeader()).isEqualTo("permessage-deflate");
            String text = "compress me, ".repeat(200);
            ws.sendCompressedText(text);
            assertThat(ws.readText()).isEqualTo("deflated:" + text);
            // Context takeover both ways: the second message leans on the first one's window.
            ws.sendCompressedText(text + "again");
            assertThat(ws.readText()).isEqualTo("deflated:" + text + "again");
            // An uncompressed message (RSV1 clear) is fine too, and the answer is compressed.
            ws.sendFrame(0x81, "plain".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readText()).isEqualTo("deflated:plain");
        }
    }

    @Test
    void annotatedEndpointsNegotiateItToo() throws Exception {
        try (Raw ws = new Raw("/annotated/kitchen", "permessage-deflate")) {
            assertThat(ws.extensionsHeader()).isEqualTo("permessage-deflate");
            ws.sendCompressedText("soup");
            assertThat(ws.readText()).isEqualTo("deflated:kitchen:soup");
        }
    }

    @Test
    void noContextTakeoverIsEchoedAndHonoured() throws Exception {
        try (Raw ws = new Raw("/echo", "permessage-deflate; server_no_context_takeover; client_no_context_takeover")) {
            assertThat(ws.extensionsHeader()).isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
            String text = "the same words, ".repeat(50);
            for (int i = 0; i < 3; i++) {
                ws.deflater.reset(); // our side honours client_no_context_takeover
                ws.sendCompressedText(text);
                ws.inflater.reset(); // and expects the server to start afresh each message
                assertThat(ws.readText()).isEqualTo("deflated:" + text);
            }
        }
    }

    @Test
    void offersThatCannotBeHonouredAreDeclined() throws Exception {
        // A smaller server window than the JDK's 2^15 cannot be had; the fallback offer is taken.
        try (Raw ws = new Raw("/echo", "permessage-deflate; server_max_window_bits=10, permessage-deflate")) {
            assertThat(ws.extensionsHeader()).isEqualTo("permessage-deflate");
        }
        try (Raw ws = new Raw("/echo", "permessage-deflate; server_max_window_bits=10; client_max_window_bits")) {
            assertThat(ws.extensionsHeader()).isNull();
            ws.sendFrame(0x81, "hi".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.readText()).isEqualTo("plain:hi");
        }
        try (Raw ws = new Raw("/echo", "permessage-deflate; unknown_parameter")) {
            assertThat(ws.extensionsHeader()).isNull();
        }
    }

    @Test
    void aMessageThatInflatesPastTheLimitIsClosedWith1009() throws Exception {
        // 1 MiB of zeros deflates to about 1 KiB; the limit in these tests is 256 KiB.
        try (Raw ws = new Raw("/echo", "permessage-deflate")) {
            byte[] bomb = ws.compress(new byte[1024 * 1024]);
            assertThat(bomb.length).isLessThan(2048);
            ws.sendFrame(0xC1, bomb);
            assertThat(ws.readCloseCode()).isEqualTo(1009);
        }
    }

    @Test
    void javaWebSocketClientWithItsDeflateExtensionEchoes() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocketClient client = new WebSocketClient(URI.create("ws://127.0.0.1:" + port + "/echo"),
                new Draft_6455(new PerMessageDeflateExtension())) {
            @Override
            public void onOpen(ServerHandshake handshake) {
                messages.add("extensions " + handshake.getFieldValue("Sec-WebSocket-Extensions"));
            }

            @Override
            public void onMessage(String message) {
                messages.add(message);
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                messages.add("closed " + code);
            }

            @Override
            public void onError(Exception ex) {
                messages.add("error " + ex);
            }
        };
        assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
        assertThat(messages.poll(10, TimeUnit.SECONDS)).startsWith("extensions permessage-deflate");
        String big = "abcdefgh".repeat(10_000);
        for (int i = 0; i < 20; i++) {
            client.send(i + big);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(i + big);
        }
        client.closeBlocking();
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("closed 1000");
    }
}
