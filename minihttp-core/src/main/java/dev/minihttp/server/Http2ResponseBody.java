package dev.minihttp.server;

import dev.minihttp.http.HttpDate;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http2.ResponseFields;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A response on an HTTP/2 stream: HEADERS with {@code :status}, DATA frames within the
 * flow-control windows, and the end as END_STREAM on the last frame or trailers in a closing
 * HEADERS frame. No chunking, no {@code Connection} field: what HTTP/1.1 framing needs the
 * application may still set, and it is dropped here (RFC 9113 8.2.2), as Tomcat and Jetty do.
 */
final class Http2ResponseBody extends ResponseBody {

    private static final ByteBuffer[] NOTHING = new ByteBuffer[0];

    private final Http2Stream stream;
    private final Http2Writer writer;

    private boolean suppressBody;
    private boolean headSent;
    private int status;
    private HttpHeaders fields;

    Http2ResponseBody(Exchange exchange, Http2Stream stream, Http2Writer writer, int bufferSize, byte[] reusableBuffer) {
        super(exchange, bufferSize, reusableBuffer);
        this.stream = stream;
        this.writer = writer;
    }

    @Override
    protected boolean keepAlive() {
        return true; // the connection carries other streams whatever this one did
    }

    @Override
    protected void commit(boolean whole) {
        status = exchange.status();
        fields = exchange.headers();
        suppressBody = exchange.isHead() || hasNoContent(status);
        ResponseFields.removeConnectionSpecific(fields);
        if (declaredLength < 0) {
            declaredLength = parseLength(fields.get("Content-Length"));
        }
        if (hasNoContent(status)) {
            fields.remove("Content-Length");
            declaredLength = -1;
        } else if (declaredLength >= 0) {
            fields.set("Content-Length", Long.toString(declaredLength));
        } else if (whole) {
            fields.set("Content-Length", Integer.toString(count));
            declaredLength = count;
        } else {
            fields.remove("Content-Length"); // DATA frames end the body; none needed
        }
        if (!fields.contains("Date")) {
            fields.add("Date", HttpDate.now());
        }
        String server = exchange.serverHeader();
        if (server != null && !fields.contains("Server")) {
            fields.add("Server", server);
        }
    }

    @Override
    protected void send(ByteBuffer extra, boolean last) throws IOException {
        int extraLength = extra == null ? 0 : extra.remaining();
        long bodyLength = (long) count + extraLength;
        if (!suppressBody && declaredLength >= 0 && sent + bodyLength > declaredLength) {
            throw new IOException("response body exceeds its declared Content-Length of " + declaredLength);
        }
        HttpHeaders trailerFields = last ? trailerFields() : null;
        boolean noData = suppressBody || bodyLength == 0;
        boolean first = !headSent;
        headSent = true;
        if (first && last && noData && trailerFields == null) {
            // HEAD, 204, 304, or an empty body: the HEADERS frame ends the stream
            count = 0;
            sent += bodyLength;
            writer.headers(stream, status, fields, true);
            return;
        }
        if (last && !suppressBody && declaredLength >= 0 && sent + bodyLength != declaredLength) {
            // A short body under a declared length is a malformed response (RFC 9113 8.1.1): the
            // client is told with a reset rather than an END_STREAM that would pass it off as whole.
            count = 0;
            if (first) {
                writer.headers(stream, status, fields, false);
            }
            throw new IOException("response body is shorter than its declared Content-Length of " + declaredLength);
        }
        ByteBuffer[] parts;
        if (noData) {
            parts = NOTHING;
        } else if (count > 0 && extra != null) {
            parts = new ByteBuffer[] {ByteBuffer.wrap(buffer, 0, count), extra};
        } else if (count > 0) {
            parts = new ByteBuffer[] {ByteBuffer.wrap(buffer, 0, count)};
        } else if (extra != null) {
            parts = new ByteBuffer[] {extra};
        } else {
            parts = NOTHING;
        }
        count = 0;
        sent += bodyLength;
        if (suppressBody && extra != null) {
            extra.position(extra.limit());
        }
        if (parts.length == 0 && !last) {
            if (first) {
                writer.headers(stream, status, fields, false); // a flush before any body byte commits the head
            }
            return;
        }
        writer.respond(stream, first ? status : 0, fields, parts, last, trailerFields, blocking);
    }

    /** The trailers the application supplies, fit for HTTP/2 (lowercased when encoded), or null for none. */
    private HttpHeaders trailerFields() {
        HttpHeaders supplied = trailers == null ? null : trailers.get();
        if (supplied == null || supplied.isEmpty()) {
            return null;
        }
        HttpHeaders copy = new HttpHeaders(supplied.size());
        supplied.forEach(copy::add);
        ResponseFields.removeConnectionSpecific(copy);
        return copy.isEmpty() ? null : copy;
    }
}
