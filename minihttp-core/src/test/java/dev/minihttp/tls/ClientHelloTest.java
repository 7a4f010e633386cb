package dev.minihttp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;

/** {@link ClientHello} on real ClientHellos (the JDK's client engine wraps them), cut and split every way. */
class ClientHelloTest {

    /** The first flight of a JDK client, asking for {@code serverName} (null: no SNI). */
    static byte[] jdkClientHello(String serverName, String... protocols) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        if (serverName != null) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    @Test
    void readsTheServerNameOfAJdkClientHello() throws Exception {
        assertThat(read(jdkClientHello("api.example.test")).serverName()).isEqualTo("api.example.test");
        assertThat(read(jdkClientHello("api.example.test", "TLSv1.2")).serverName()).isEqualTo("api.example.test");
        ClientHello anonymous = read(jdkClientHello(null));
        assertThat(anonymous.kind()).isEqualTo(ClientHello.Kind.HELLO);
        assertThat(anonymous.serverName()).isNull();
    }

    @Test
    void everyPrefixIsIncompleteAndTheBufferIsNotMoved() throws Exception {
        byte[] hello = jdkClientHello("a.test");
        for (int length = 0; length < hello.length; length++) {
            ByteBuffer prefix = ByteBuffer.wrap(hello, 0, length);
            assertThat(ClientHello.read(prefix).kind()).as("prefix of %d bytes", length).isEqualTo(ClientHello.Kind.INCOMPLETE);
            assertThat(prefix.position()).isZero();
        }
    }

    @Test
    void aClientHelloSplitOverSeveralRecordsIsJoined() throws Exception {
        byte[] record = jdkClientHello("split.test");
        byte[] message = java.util.Arrays.copyOfRange(record, 5, record.length);
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            ByteBuffer split = ByteBuffer.allocate(message.length * 6 + 100);
            int at = 0;
            while (at < message.length) {
                int size = Math.min(message.length - at, 1 + random.nextInt(40));
                split.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) size).put(message, at, size);
                at += size;
            }
            split.put("application data that follows".getBytes(StandardCharsets.US_ASCII)).flip();
            assertThat(ClientHello.read(split).serverName()).isEqualTo("split.test");
        }
    }

    @Test
    void cleartextHttpIsToldApartFromGarbage() {
        assertThat(read("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)).kind()).isEqualTo(ClientHello.Kind.CLEARTEXT_HTTP);
        assertThat(read("PROPFIND /x HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)).kind()).isEqualTo(ClientHello.Kind.CLEARTEXT_HTTP);
        assertThat(read("GE".getBytes(StandardCharsets.US_ASCII)).kind()).isEqualTo(ClientHello.Kind.INCOMPLETE);
        assertThat(read("get / HTTP/1.1".getBytes(StandardCharsets.US_ASCII)).kind()).isEqualTo(ClientHello.Kind.NOT_TLS);
        assertThat(read(new byte[] {0x15, 3, 3, 0, 2, 2, 40}).kind()).isEqualTo(ClientHello.Kind.NOT_TLS); // an alert record
        assertThat(read(new byte[] {22, 3, 3, 0, 4, 2, 0, 0, 0}).kind()).isEqualTo(ClientHello.Kind.NOT_TLS); // a ServerHello
        assertThat(read(new byte[] {22, 2, 0, 0, 4, 1, 0, 0, 0}).kind()).isEqualTo(ClientHello.Kind.NOT_TLS); // SSLv2-ish version
    }

    @Test
    void aDamagedServerNameExtensionIsNotTls() throws Exception {
        byte[] hello = jdkClientHello("damaged.test");
        int name = indexOf(hello, "damaged.test".getBytes(StandardCharsets.US_ASCII));
        hello[name + 3] = 0x01; // a control character inside the host name
        assertThat(read(hello).kind()).isEqualTo(ClientHello.Kind.NOT_TLS);
        byte[] lengths = jdkClientHello("damaged.test");
        lengths[name - 1] = (byte) 0xff; // the name's length runs past its extension
        assertThat(read(lengths).kind()).isEqualTo(ClientHello.Kind.NOT_TLS);
    }

    private static ClientHello read(byte[] bytes) {
        return ClientHello.read(ByteBuffer.wrap(bytes));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
