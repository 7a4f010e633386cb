package dev.minihttp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Arbitrary bytes into {@link ClientHello}, the first parser a TLS port runs on untrusted input:
 * it must never throw, never move the buffer, and stay consistent as more bytes arrive (a prefix
 * of a complete answer is incomplete or gives the same answer). Without {@code JAZZER_FUZZ} this
 * runs the saved inputs under {@code ClientHelloFuzzTestInputs/read/}; {@code bench/fuzz.sh} fuzzes it.
 */
class ClientHelloFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void read(byte[] data) {
        ByteBuffer buffer = ByteBuffer.wrap(data);
        ClientHello whole = ClientHello.read(buffer);
        assertThat(buffer.position()).isZero();
        assertThat(buffer.limit()).isEqualTo(data.length);
        if (whole.serverName() != null) {
            assertThat(whole.kind()).isEqualTo(ClientHello.Kind.HELLO);
            assertThat(whole.serverName()).isNotEmpty().doesNotContain(" ");
        }
        if (whole.kind() != ClientHello.Kind.INCOMPLETE) {
            return;
        }
        for (int cut = 0; cut < data.length; cut++) {
            assertThat(ClientHello.read(ByteBuffer.wrap(data, 0, cut)).kind())
                    .as("a prefix of an incomplete input").isEqualTo(ClientHello.Kind.INCOMPLETE);
        }
    }
}
