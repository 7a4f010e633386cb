package dev.minihttp.server;

import dev.minihttp.http.HttpDate;
import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http.HttpVersion;
import dev.minihttp.http.ResponseHeadEncoder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The response body stream and the framing decision behind it. Bytes collect in a buffer until
 * it overflows, {@link #flush()} or {@link #complete()}; the head is written together with the
 * first body bytes, in one gathering write.
 *
 * <p>Framing is decided at commit: a declared length wins; a body complete within the buffer
 * gets a Content-Length; otherwise chunked (HTTP/1.1) or close-delimited (HTTP/1.0).
 */
final class ResponseBody extends OutputStream {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final Exchange exchange;
    private final ConnectionOutput output;
    private final ReentrantLock lock = new ReentrantLock();

    private byte[] buffer;
    private int bufferSize;
    private int count;

    private boolean committed;
    private boolean completed;
    private boolean chunked;
    private boolean suppressBody;
    private boolean keepAlive;
    private long declaredLength = -1;
    private long sent;
    private Supplier<HttpHeaders> trailers;
    // False once the writer is driven by readiness callbacks (Servlet non-blocking I/O): it checks
    // isReady() before writing and must never be parked in a write, so what the socket does not
    // take is queued (at most one write beyond the high watermark) instead of waited for.
    private volatile boolean blocking = true;

    /** The connection's reusable buffer of the default size; a changed buffer size gets its own array. */
    private final byte[] connectionBuffer;

    ResponseBody(Exchange exchange, ConnectionOutput output, int bufferSize, byte[] connectionBuffer) {
        this.connectionBuffer = connectionBuffer;
        this.exchange = exchange;
        this.output = output;
        this.bufferSize = bufferSize;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, data.length);
        lock.lock();
        try {
            if (completed) {
                throw new IOException("the response is already complete");
            }
            if (length == 0) {
                return;
            }
            if (!committed && count + length <= bufferSize) {
                if (buffer == null) {
                    buffer = connectionBuffer != null && connectionBuffer.length == bufferSize
                            ? connectionBuffer : new byte[bufferSize];
                }
                System.arraycopy(data, offset, buffer, count, length);
                count += length;
                return;
            }
            byte[] head = committed ? null : commit(false);
            send(head, ByteBuffer.wrap(data, offset, length));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            if (completed) {
                return;
            }
            byte[] head = committed ? null : commit(false);
            send(head, null);
        } finally {
            lock.unlock();
        }
    }

    /** Closing the stream completes the response, as a Servlet container does. */
    @Override
    public void close() throws IOException {
        complete();
    }

    /**
     * Sends what is left and terminates the body. Returns whether the connection may carry the
     * next request. Idempotent: later calls return false without writing.
     */
    boolean complete() throws IOException {
        lock.lock();
        try {
            if (completed) {
                return false;
            }
            completed = true;
            if (!committed) {
                send(commit(true), null);
                return keepAlive;
            }
            send(null, null);
            if (chunked) {
                output.write(new ByteBuffer[] {ByteBuffer.wrap(LAST_CHUNK), ByteBuffer.wrap(trailerBytes())}, blocking);
            }
            if (declaredLength >= 0 && sent != declaredLength && !suppressBody) {
                // The client would wait for bytes that never come, or read ours as the next response.
                keepAlive = false;
            }
            return keepAlive;
        } finally {
            lock.unlock();
        }
    }

    /** Marks the stream finished without writing (the connection is being closed). */
    void abandon() {
        lock.lock();
        try {
            completed = true;
            committed = true;
        } finally {
            lock.unlock();
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

    /** Decides the framing and encodes the head. {@code whole}: the buffer holds the entire body. */
    private byte[] commit(boolean whole) {
        committed = true;
        int status = exchange.status();
        HttpHeaders headers = exchange.headers();
        suppressBody = exchange.isHead() || status < 200 || status == 204 || status == 304;
        headers.remove("Transfer-Encoding");
        if (declaredLength < 0) {
            declaredLength = parseLength(headers.get("Content-Length"));
        }
        boolean closeDelimited = false;
        if (status == 204 || status == 304 || status < 200) {
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
        return ResponseHeadEncoder.encode(status, null, headers);
    }

    private static long parseLength(String value) {
        if (value == null || value.isEmpty() || value.length() > 18) {
            return -1;
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    // ---- state the Response interface exposes ----

    boolean isCommitted() {
        lock.lock();
        try {
            return committed;
        } finally {
            lock.unlock();
        }
    }

    boolean isCompleted() {
        lock.lock();
        try {
            return completed;
        } finally {
            lock.unlock();
        }
    }

    void declareLength(long length) {
        lock.lock();
        try {
            if (!committed) {
                declaredLength = length;
            }
        } finally {
            lock.unlock();
        }
    }

    int bufferSize() {
        return bufferSize;
    }

    void bufferSize(int size) {
        lock.lock();
        try {
            if (committed || count > 0) {
                throw new IllegalStateException("the buffer size can only change before the body is written");
            }
            bufferSize = Math.max(0, size);
            buffer = null;
        } finally {
            lock.unlock();
        }
    }

    void resetBuffer() {
        lock.lock();
        try {
            if (committed) {
                throw new IllegalStateException("the response is already committed");
            }
            count = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Also forgets a declared length: {@link Response#reset()} starts the response over. */
    void reset() {
        lock.lock();
        try {
            resetBuffer();
            declaredLength = -1;
        } finally {
            lock.unlock();
        }
    }

    /** From now on writes never wait for a slow reader (see {@link Response#whenReady}). */
    void nonBlocking() {
        blocking = false;
    }

    void trailers(Supplier<HttpHeaders> supplier) {
        this.trailers = supplier;
    }
}
