package dev.minihttp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * How the fuzz tests cut wire bytes into the pieces a socket delivers, shared by the HTTP/1.1 and
 * HTTP/2 targets so that a seed byte means the same split in both.
 */
public final class WirePieces {

    private WirePieces() {
    }

    /** One piece for seed 0; otherwise up to 8 cut points chosen by {@link Random} from the seed. */
    public static List<ByteBuffer> split(byte[] wire, int seed) {
        TreeSet<Integer> cuts = new TreeSet<>();
        if (seed != 0 && wire.length > 1) {
            Random random = new Random(seed);
            int count = 1 + random.nextInt(8);
            for (int i = 0; i < count; i++) {
                cuts.add(1 + random.nextInt(wire.length - 1));
            }
        }
        cuts.add(wire.length);
        List<ByteBuffer> pieces = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            pieces.add(ByteBuffer.wrap(Arrays.copyOfRange(wire, from, cut)));
            from = cut;
        }
        return pieces;
    }
}
