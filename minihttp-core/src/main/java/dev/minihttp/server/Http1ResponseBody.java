package dev.minihttp.server;

import dev.minihttp.http.HttpDate;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpVersion;
import dev.minihttp.http.ResponseHeadEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP/1.x response body: the head and the first body bytes in one gathering write, then
 * chunks or raw bytes on the connection's output.
 *
 * <p>Framing is decided at commit: a declared length wins; a body complete within the buffer
 * gets a Content-Length; otherwise chunked (HTTP/1.1) or close-delimited (HTTP/1.0).
 */
final class Http1ResponseBody extends ResponseBody {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionOutput output;

    private byte[] head;
    private boolean chunked;
    private boolean suppressBody;
    private boolean keepAlive;

    Http1ResponseBody(Exchange exchange, ConnectionOutput output, int bufferSize, byte[] connectionBuffer) {
        super(exchange, bufferSize, connectionBuffer);
        this.output = output;
    }

    @Override
    protected boolean keepAlive() {
        return keepAlive;
    }

    @Override
    protected void send(ByteBuffer extra, boolean last) throws IOException {
        byte[] headBytes = head;
        head = null;
        send(headBytes, extra);
        if (!last) {
            return;
        }
        if (chunked) {
            output.write(new ByteBuffer[] {ByteBuffer.wrap(LAST_CHUNK), ByteBuffer.wrap(trailerBytes())}, blocking);
        }
        if (declaredLength >= 0 && sent != declaredLength && !suppressBody) {
            // The client would wait for bytes that never come, or read ours as the next response.
            keepAlive = false;
        }
    }

    /** Writes the head (if given), the buffered bytes and then {@code extra}, framed. */
    private void send(byte[] head, ByteBuffer extra) throws IOException {
        int extraLength = extra == null ? 0 : extra.remaining();
        int bodyLength = count + extraLength;
        if (suppressBody || bodyLength == 0) {
            sent += bodyLength;
            count = 0;
            if (head != null) {
                output.write(ByteBuffer.wrap(head), blocking);
            }
            return;
        }
        if (declaredLength >= 0 && sent + bodyLength > declaredLength) {
            throw new IOException("response body exceeds its declared Content-Length of " + declaredLength);
        }
        ByteBuffer[] parts = new ByteBuffer[5];
        int n = 0;
        if (head != null) {
            parts[n++] = ByteBuffer.wrap(head);
        }
        if (chunked) {
            parts[n++] = ByteBuffer.wrap(chunkHeader(bodyLength));
        }
        if (count > 0) {
            parts[n++] = ByteBuffer.wrap(buffer, 0, count);
        }
        if (extra != null) {
            parts[n++] = extra;
        }
        if (chunked) {
            parts[n++] = ByteBuffer.wrap(CRLF);
        }
        ByteBuffer[] toWrite = n == parts.length ? parts : java.util.Arrays.copyOf(parts, n);
        count = 0;
        sent += bodyLength;
        output.write(toWrite, blocking);
    }

    private static byte[] chunkHeader(int length) {
        int digits = Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4);
        byte[] header = new byte[digits + 2];
        for (int i = digits - 1, value = length; i >= 0; i--, value >>>= 4) {
            header[i] = HEX[value & 0xF];
        }
        header[digits] = '\r';
        header[digits + 1] = '\n';
        return header;
    }

    private byte[] trailerBytes() {
        HttpHeaders fields = trailers == null ? null : trailers.get();
        StringBuilder text = new StringBuilder();
        if (fields != null) {
            fields.forEach((name, value) -> {
                if (isSafe(name) && isSafe(value)) {
                    text.append(name).append(": ").append(value).append("\r\n");
                }
            });
        }
        text.append("\r\n");
        return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean isSafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected void commit(boolean whole) {
        int status = exchange.status();
        HttpHeaders headers = exchange.headers();
        suppressBody = exchange.isHead() || hasNoContent(status);
        headers.remove("Transfer-Encoding");
        if (declaredLength < 0) {
            declaredLength = parseLength(headers.get("Content-Length"));
        }
        boolean closeDelimited = false;
        if (hasNoContent(status)) {
            headers.remove("Content-Length");
            declaredLength = -1;
        } else if (declaredLength >= 0) {
            headers.set("Content-Length", Long.toString(declaredLength));
        } else if (whole) {
            headers.set("Content-Length", Integer.toString(count));
            declaredLength = count;
        } else if (exchange.isHead()) {
            headers.remove("Content-Length");
        } else if (exchange.version() == HttpVersion.HTTP_1_1) {
            headers.remove("Content-Length");
            headers.set("Transfer-Encoding", "chunked");
            chunked = true;
        } else {
            headers.remove("Content-Length");
            closeDelimited = true;
        }
        keepAlive = exchange.mayKeepAlive() && !closeDelimited && !headers.containsToken("Connection", "close");
        if (exchange.isUpgrading()) {
            // The connection stays open for the new protocol, whatever keep-alive and shutdown say
            // (a graceful shutdown then closes it), and its Connection header is the protocol's.
            keepAlive = true;
        } else if (!keepAlive) {
            headers.set("Connection", "close");
        } else if (exchange.version() == HttpVersion.HTTP_1_0) {
            headers.set("Connection", "keep-alive");
        }
        if (!headers.contains("Date")) {
            headers.add("Date", HttpDate.now());
        }
        String server = exchange.serverHeader();
        if (server != null && !headers.contains("Server")) {
            headers.add("Server", server);
        }
        head = ResponseHeadEncoder.encode(status, null, headers);
    }
}
