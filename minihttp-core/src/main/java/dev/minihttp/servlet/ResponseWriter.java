package dev.minihttp.servlet;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * The character side of the response body: encodes each write straight into the response
 * buffer (keeping partial surrogate pairs between writes), flushes the connection only on an
 * explicit flush, and closes the response on close.
 */
final class ResponseWriter extends Writer {

    private final OutputStreamWriter encoder;
    private final ResponseOutputStream stream;

    ResponseWriter(ResponseOutputStream stream, Charset charset) {
        this.stream = stream;
        this.encoder = new OutputStreamWriter(new NonFlushingOutputStream(stream), charset);
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        encoder.write(chars, offset, length);
        encoder.flush();
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        encoder.write(text, offset, length);
        encoder.flush();
    }

    @Override
    public void write(int c) throws IOException {
        encoder.write(c);
        encoder.flush();
    }

    /** Moves encoded bytes into the response buffer without flushing the connection. */
    void flushEncoder() throws IOException {
        encoder.flush();
    }

    @Override
    public void flush() throws IOException {
        encoder.flush();
        stream.flush();
    }

    @Override
    public void close() throws IOException {
        encoder.flush();
        stream.close();
    }
}
