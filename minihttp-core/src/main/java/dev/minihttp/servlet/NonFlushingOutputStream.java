package dev.minihttp.servlet;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Lets the response writer push encoded bytes into the response buffer after every write
 * (so buffer size, commit and reset behave as for the byte stream) without each write also
 * flushing the connection.
 */
final class NonFlushingOutputStream extends OutputStream {

    private final OutputStream target;

    NonFlushingOutputStream(OutputStream target) {
        this.target = target;
    }

    @Override
    public void write(int b) throws IOException {
        target.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        target.write(bytes, offset, length);
    }

    @Override
    public void flush() {
        // Deliberately nothing: only an explicit PrintWriter.flush() reaches the connection.
    }

    @Override
    public void close() {
        // The writer's close() is handled by ResponseWriter.
    }
}
