package dev.minihttp.http2;

import dev.minihttp.WirePieces;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Arbitrary bytes, in arbitrary pieces, into {@link FrameReader}, the first parser an h2
 * connection runs on untrusted input. Only {@link Http2Exception} may escape. Reading in pieces
 * must give the same events and the same verdict as reading whole; a stream error leaves the
 * reader at the next frame; what the listener is handed stays within the limits (memory bounded).
 *
 * <p>Input: byte 0 chooses the limits (even: defaults; odd: small ones from the other bits) and,
 * with bit 1, whether the empty SETTINGS a client sends first is put in front (so most inputs
 * get past that rule); byte 1 seeds the split into pieces (0: one piece); the rest is the wire.
 * Without {@code JAZZER_FUZZ} this runs the saved inputs under
 * {@code FrameReaderFuzzTestInputs/read/}; {@code bench/fuzz.sh} fuzzes it.
 */
class FrameReaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void read(byte[] data) {
        int control = data.length > 0 ? data[0] & 0xFF : 0;
        int splitSeed = data.length > 1 ? data[1] & 0xFF : 0;
        byte[] wire = data.length > 2 ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
        if ((control & 2) != 0) {
            wire = RawFrames.concat(RawFrames.SETTINGS_EMPTY, wire);
        }
        FrameReaderLimits limits = limits(control);

        Outcome whole = read(limits, List.of(ByteBuffer.wrap(wire.clone())));
        Outcome pieces = read(limits, WirePieces.split(wire, splitSeed));
        assertThat(pieces.events).as("events read in pieces").isEqualTo(whole.events);
        assertThat(pieces.midFrame).isEqualTo(whole.midFrame);
    }

    private static FrameReaderLimits limits(int control) {
        if ((control & 1) == 0) {
            return FrameReaderLimits.defaults();
        }
        int blockBytes = 1 + ((control >>> 2) & 0x7) * 100;   // 1..701
        int blockFrames = 1 + ((control >>> 5) & 0x7);         // 1..8
        return new FrameReaderLimits(Http2Settings.MIN_MAX_FRAME_SIZE, blockBytes, blockFrames);
    }

    private record Outcome(List<String> events, boolean midFrame) {
    }

    /** Reads every piece, going on after stream errors as the engine would, stopping at a connection error. */
    private static Outcome read(FrameReaderLimits limits, List<ByteBuffer> pieces) {
        FrameReader reader = new FrameReader(limits);
        BoundsCheckingListener listener = new BoundsCheckingListener(limits);
        for (ByteBuffer piece : pieces) {
            while (true) {
                try {
                    reader.read(piece, listener.recorder);
                    assertThat(piece.hasRemaining()).as("a read consumes the whole buffer").isFalse();
                    break;
                } catch (Http2Exception e) {
                    listener.events().add(e.toString());
                    assertThat(e.reason()).isNotBlank();
                    if (e.isConnectionError()) {
                        assertThat(e.streamId()).isZero();
                        return new Outcome(listener.events(), false);
                    }
                    assertThat(e.streamId()).isPositive();
                }
            }
        }
        return new Outcome(listener.events(), reader.isMidFrame());
    }

    /** Checks every event against the limits, then records it. */
    private static final class BoundsCheckingListener {
        final RecordingListener events = new RecordingListener();
        final FrameListener recorder;

        BoundsCheckingListener(FrameReaderLimits limits) {
            recorder = new ForwardingListener(events) {
                @Override
                public void onData(int streamId, ByteBuffer data, boolean endStream, int flow) throws Http2Exception {
                    assertThat(streamId).isPositive();
                    assertThat(data.remaining()).isLessThanOrEqualTo(flow).isLessThanOrEqualTo(limits.maxFrameSize());
                    super.onData(streamId, data, endStream, flow);
                }

                @Override
                public void onHeaders(int streamId, ByteBuffer block, boolean endStream) throws Http2Exception {
                    assertThat(streamId).isPositive();
                    assertThat(block.remaining()).isLessThanOrEqualTo(limits.maxHeaderBlockBytes());
                    super.onHeaders(streamId, block, endStream);
                }

                @Override
                public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
                    assertThat(increment).isPositive();
                    super.onWindowUpdate(streamId, increment);
                }
            };
        }

        List<String> events() {
            return events.events();
        }
    }

}
