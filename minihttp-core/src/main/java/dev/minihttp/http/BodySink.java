package dev.minihttp.http;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Receives decoded body bytes as the codec produces them. */
@FunctionalInterface
public interface BodySink {

    /**
     * Takes every remaining byte of {@code data}. The buffer is only valid during the call: copy
     * what you keep.
     */
    void write(ByteBuffer data) throws IOException;
}
