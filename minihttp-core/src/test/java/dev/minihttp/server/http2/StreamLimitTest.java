package dev.minihttp.server.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.Handler;
import dev.minihttp.server.Http2Options;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A client that keeps exactly SETTINGS_MAX_CONCURRENT_STREAMS streams open, opening the next one
 * the moment it has read a response's END_STREAM, the way h2load -m 100 does. A stream whose
 * END_STREAM both sides have sent is closed (RFC 9113 5.1) and no longer counts against the limit
 * (5.1.2), so no stream may be refused.
 *
 * <p>Found by bench/h2-servers.sh (h2load -c4 -m100: thousands of "errored" requests on minihttp,
 * none on Tomcat or Jetty; with -m 99 too, not with -m 50): the server answers RST_STREAM
 * REFUSED_STREAM for a HEADERS that arrives after the client read the previous stream's END_STREAM.
 * {@code Http2Connection.streamEnded} removes the stream later, on the I/O loop, so a HEADERS read
 * first still saw it in {@code streams.size()}; now a stream closed both ways does not count
 * ({@code Http2Connection.openStreams}), and is marked closed before its END_STREAM is written.
 */
@LeakChecked
class StreamLimitTest {

    static final Handler HELLO = (request, response) -> response.body().write("hello".getBytes(StandardCharsets.US_ASCII));

    @Test
    void aClientAtTheLimitThatOpensAStreamPerResponseIsNeverRefused() throws Exception {
        int limit = 10;
        int total = 2_000;
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(8)
                .http2(Http2Options.defaults().withMaxConcurrentStreams(limit)), HELLO);
             Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] block = headerBlock(server.port());
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frame(first, 0x4, 0, 0, new byte[0]); // SETTINGS
            int nextId = 1;
            int opened = 0;
            for (; opened < limit; opened++, nextId += 2) {
                frame(first, 0x1, 0x5, nextId, block); // HEADERS, END_STREAM | END_HEADERS
            }
            out.write(first.toByteArray());
            out.flush();
            int done = 0;
            List<String> refused = new ArrayList<>();
            byte[] header = new byte[9];
            while (done < total && refused.isEmpty()) {
                in.readFully(header);
                int length = ((header[0] & 0xFF) << 16) | ((header[1] & 0xFF) << 8) | (header[2] & 0xFF);
                int type = header[3] & 0xFF;
                int flags = header[4] & 0xFF;
                int stream = ((header[5] & 0x7F) << 24) | ((header[6] & 0xFF) << 16) | ((header[7] & 0xFF) << 8) | (header[8] & 0xFF);
                byte[] payload = new byte[length];
                in.readFully(payload);
                ByteArrayOutputStream reply = new ByteArrayOutputStream();
                if (type == 0x4 && (flags & 0x1) == 0) {
                    frame(reply, 0x4, 0x1, 0, new byte[0]); // SETTINGS ACK
                } else if (type == 0x3) {
                    refused.add("RST_STREAM on stream " + stream + " code " + code(payload, 0) + " with " + (opened - done)
                            + " open after " + done + " responses");
                } else if (type == 0x7) {
                    throw new AssertionError("GOAWAY code " + code(payload, 4) + " after " + done + " responses");
                } else if ((type == 0x0 || type == 0x1) && (flags & 0x1) != 0) {
                    done++;
                    if (opened < total) {
                        frame(reply, 0x1, 0x5, nextId, block);
                        nextId += 2;
                        opened++;
                    }
                }
                if (reply.size() > 0) {
                    out.write(reply.toByteArray());
                    out.flush();
                }
            }
            assertThat(refused).as("streams refused while at most %d were open", limit).isEmpty();
            assertThat(done).isEqualTo(total);
        }
    }

    static int code(byte[] payload, int offset) {
        return ((payload[offset] & 0xFF) << 24) | ((payload[offset + 1] & 0xFF) << 16) | ((payload[offset + 2] & 0xFF) << 8)
                | (payload[offset + 3] & 0xFF);
    }

    /** GET /hello over http, encoded by hand: indexed :method GET and :scheme http, raw literals. */
    static byte[] headerBlock(int port) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.write(0x82);
        block.write(0x86);
        literal(block, 4, "/hello");
        literal(block, 1, "127.0.0.1:" + port);
        return block.toByteArray();
    }

    static void literal(ByteArrayOutputStream block, int nameIndex, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        block.write(nameIndex); // literal without indexing, indexed name (RFC 7541 6.2.2)
        block.write(bytes.length); // no Huffman, < 127
        block.write(bytes);
    }

    static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        out.write(payload.length >>> 16);
        out.write(payload.length >>> 8);
        out.write(payload.length);
        out.write(type);
        out.write(flags);
        out.write(stream >>> 24);
        out.write(stream >>> 16);
        out.write(stream >>> 8);
        out.write(stream);
        out.write(payload);
    }
}
