package dev.minihttp.http;

import dev.minihttp.WirePieces;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How the fuzz tests read their raw {@code byte[]} input: two control bytes, then the bytes a
 * socket would deliver. Plain bytes rather than a {@code FuzzedDataProvider} so that a regression
 * input is a readable file (two bytes, then HTTP) that can be written by hand.
 *
 * <ul>
 *   <li>byte 0 chooses the limits: even means the server's defaults, odd means small limits
 *       derived from the other bits, so the fuzzer reaches every limit with short inputs;</li>
 *   <li>byte 1 seeds the split of the wire bytes into the pieces the socket delivers: 0 means one
 *       piece, anything else up to 8 split points chosen by {@link Random} from that seed.</li>
 * </ul>
 */
record FuzzInput(ParserLimits limits, byte[] wire, List<ByteBuffer> pieces) {

    /** What {@code MiniHttpServer} builds from the default {@code ServerOptions}. */
    static final ParserLimits DEFAULT_LIMITS = new ParserLimits(8 * 1024, 100, 10L * 1024 * 1024);

    static FuzzInput of(byte[] data) {
        int control = data.length > 0 ? data[0] & 0xFF : 0;
        int splitSeed = data.length > 1 ? data[1] & 0xFF : 0;
        byte[] wire = data.length > 2 ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
        return new FuzzInput(limits(control), wire, WirePieces.split(wire, splitSeed));
    }

    private static ParserLimits limits(int control) {
        if ((control & 1) == 0) {
            return DEFAULT_LIMITS;
        }
        int headBytes = 64 + ((control >>> 1) & 0x7) * 24;     // 64..232
        int headerCount = 1 + ((control >>> 4) & 0x3);         // 1..4
        long bodyBytes = (control >>> 6) * 40L;                // 0, 40, 80, 120
        return new ParserLimits(headBytes, headerCount, bodyBytes);
    }

    /** The same wire bytes again, in one piece. */
    List<ByteBuffer> whole() {
        return List.of(ByteBuffer.wrap(wire.clone()));
    }

    /** The remaining bytes of {@code pieces} from {@code index} on, concatenated. */
    static byte[] rest(List<ByteBuffer> pieces, int index) {
        int size = 0;
        for (int i = index; i < pieces.size(); i++) {
            size += pieces.get(i).remaining();
        }
        ByteBuffer rest = ByteBuffer.allocate(size);
        for (int i = index; i < pieces.size(); i++) {
            rest.put(pieces.get(i).duplicate());
        }
        return rest.array();
    }
}
