package dev.minihttp.boot;

import dev.minihttp.http.HttpHeaders;
import dev.minihttp.server.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Predicate;
import java.util.zip.GZIPOutputStream;

/**
 * A response that gzips its body when it turns out to be worth it. The decision waits until the
 * body passes the minimum size (or the response is flushed or finished), because only then are
 * the content type and the size known; until then the bytes are held here, not in the engine.
 * The same decision adds {@code Vary: Accept-Encoding} to a response of a compressible type even
 * when it stays plain (client did not ask, excluded agent, too small).
 */
final class CompressingResponse extends ForwardingResponse {

    private enum Decision { UNDECIDED, PLAIN, GZIP }

    private final Predicate<String> compressibleType;
    private final int minSize;
    private final boolean gzipAccepted;
    private final ByteArrayOutputStream held = new ByteArrayOutputStream();
    private final OutputStream body = new BodyStream();
    private Decision decision = Decision.UNDECIDED;
    private long declaredLength = -1;
    private OutputStream target;
    private boolean finished;

    /** @param gzipAccepted whether the request allows gzip (it asked for it, agent not excluded, not HEAD) */
    CompressingResponse(Response delegate, Predicate<String> compressibleType, int minSize, boolean gzipAccepted) {
        super(delegate);
        this.compressibleType = compressibleType;
        this.minSize = minSize;
        this.gzipAccepted = gzipAccepted;
    }

    private final class BodyStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] data, int offset, int length) throws IOException {
            if (decision == Decision.UNDECIDED) {
                held.write(data, offset, length);
                if (held.size() >= minSize) {
                    decide(true);
                }
                return;
            }
            target.write(data, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (decision == Decision.UNDECIDED) {
                decide(declaredLength < 0 || declaredLength >= minSize);
            }
            target.flush();
        }

        @Override
        public void close() throws IOException {
            finish();
            delegate.body().close();
        }
    }

    /** Chooses plain or gzip and sends what was held. */
    private void decide(boolean bigEnough) throws IOException {
        HttpHeaders headers = delegate.headers();
        int status = delegate.status();
        // A body the application encoded itself is its own business, Vary included (as with Tomcat).
        boolean compressible = !headers.contains("Content-Encoding")
                && compressibleType.test(headers.get("Content-Type"));
        if (compressible) {
            Vary.addAcceptEncoding(headers);
        }
        boolean compress = compressible && gzipAccepted && bigEnough
                && status >= 200 && status != 204 && status != 206 && status != 304;
        if (compress) {
            decision = Decision.GZIP;
            delegate.contentLength(-1);
            headers.remove("Content-Length");
            headers.set("Content-Encoding", "gzip");
            target = new GZIPOutputStream(delegate.body(), 8192, true);
        } else {
            decision = Decision.PLAIN;
            if (declaredLength >= 0) {
                delegate.contentLength(declaredLength);
            }
            target = delegate.body();
        }
        if (held.size() > 0) {
            held.writeTo(target);
            held.reset();
        }
    }

    /** Sends what is held and ends the gzip stream; the caller completes the engine response. */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        if (decision == Decision.UNDECIDED) {
            decide(held.size() >= minSize);
        }
        if (target instanceof GZIPOutputStream gzip) {
            gzip.finish();
        }
    }




    @Override
    public Response contentLength(long length) {
        if (decision == Decision.UNDECIDED) {
            // Held back: the length of the plain body is wrong once it is gzipped.
            declaredLength = length;
        } else if (decision == Decision.PLAIN) {
            delegate.contentLength(length);
        }
        return this;
    }

    @Override
    public OutputStream body() {
        return body;
    }




    @Override
    public void resetBuffer() {
        if (decision == Decision.UNDECIDED) {
            held.reset();
        }
        delegate.resetBuffer();
    }

    @Override
    public void reset() {
        if (decision == Decision.UNDECIDED) {
            held.reset();
            declaredLength = -1;
        }
        delegate.reset();
    }




    @Override
    public void complete() {
        try {
            finish();
        } catch (IOException e) {
            delegate.abort();
            return;
        }
        delegate.complete();
    }



}
