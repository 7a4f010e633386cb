package dev.minihttp.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Test helpers that turn readable text into the bytes a socket would deliver. */
final class Wire {

    private Wire() {
    }

    /** One char per byte, so that "\u0016" or "\u00e9" stand for single raw bytes. */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static ByteBuffer buffer(String text) {
        return ByteBuffer.wrap(bytes(text));
    }

    static ByteBuffer buffer(byte[] data, int from, int to) {
        return ByteBuffer.wrap(Arrays.copyOfRange(data, from, to));
    }

    static String text(ByteBuffer buffer) {
        byte[] rest = new byte[buffer.remaining()];
        buffer.duplicate().get(rest);
        return new String(rest, StandardCharsets.ISO_8859_1);
    }

    /** The status of the HttpParseException that {@code call} must throw. */
    static int statusOf(ThrowingCallable call) {
        HttpParseException e = catchThrowableOfType(HttpParseException.class, call);
        assertThat(e).as("expected an HttpParseException").isNotNull();
        return e.status();
    }
}
