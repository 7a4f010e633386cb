package dev.minihttp.server;

import dev.minihttp.http.HttpHeaders;
import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.FlowControlWindow;
import dev.minihttp.http2.FrameWriter;
import dev.minihttp.http2.Http2Exception;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.http2.hpack.HeaderBlock;
import dev.minihttp.http2.hpack.HpackEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything one HTTP/2 connection sends, from workers (responses) and its I/O thread (control
 * frames, data a window update lets go), in one order. Its lock makes each frame sequence atomic
 * and keeps the HPACK encoder's table in step with the order blocks reach the wire.
 *
 * <p>DATA is sent within both flow-control windows. What they do not allow waits in the stream's
 * queue, copied; a worker waits while its stream's queue is above the connection's high watermark
 * (a client that opens its windows slowly is a slow reader), and while the connection's own unsent
 * bytes are (a client that does not read). Both waits are bounded by the write timeout, so a
 * stalled reader's windows can hold neither a worker for ever nor memory without bound. The I/O
 * thread never waits: it moves queued data out only while the connection's output is below its
 * watermark and goes on when the output drains ({@link #resume()}).
 */
final class Http2Writer {

    private final ConnectionOutput output;
    private final Http2Counters counters;
    private final int highWatermark;
    private final int lowWatermark;
    private final long writeTimeoutNanos;
    private final String serverHeader;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever queued data moved out or a stream ended: waiting workers look again. */
    private final Condition progress = lock.newCondition();
    private final HpackEncoder encoder = new HpackEncoder();
    private final HeaderBlock block = new HeaderBlock(512);
    private final FrameWriter frames = new FrameWriter();
    /** What the peer lets us send on the connection as a whole. */
    private final FlowControlWindow connectionWindow = new FlowControlWindow(0, Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE);
    /** Streams with queued data (or a queued end) that a window holds back, in the order they queued. */
    private final Set<Http2Stream> waiting = new LinkedHashSet<>();
    private int peerInitialWindow = Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE;
    private boolean closed;
    /** Write-ready callbacks found due under the lock, run once it is released (they go to the pool). */
    private final ArrayDeque<Runnable> readyToRun = new ArrayDeque<>();
    private java.util.function.Consumer<Runnable> readyRunner = Runnable::run;

    Http2Writer(ConnectionOutput output, ServerOptions options, Http2Counters counters) {
        this.output = output;
        this.counters = counters;
        this.highWatermark = options.outputHighWatermark();
        this.lowWatermark = highWatermark / 2;
        this.writeTimeoutNanos = options.writeTimeout().toNanos();
        this.serverHeader = options.serverHeader();
    }

    // ---- responses (workers, or the I/O thread for the server's own answers) ----------------

    /**
     * A response's HEADERS (and CONTINUATIONs): {@code :status} then the fields, names lowercased,
     * the connection-specific ones already removed by the caller.
     */
    void headers(Http2Stream stream, int status, HttpHeaders fields, boolean endStream) throws IOException {
        checkEncodable(fields);
        lock.lock();
        try {
            checkOpen(stream);
            ByteBuffer encoded = encode(stream.id, status, fields, endStream);
            if (endStream) {
                endingLocally(stream);
            }
            output.write(encoded, false);
            if (endStream) {
                ended(stream);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Body bytes: every remaining byte of {@code parts}, in order, within the windows; the rest is
     * copied into the stream's queue. {@code endStream} ends the stream after them (or, with
     * trailers, the trailers do). With {@code mayBlock} the caller then waits for the client while
     * too much is queued (see the class comment).
     */
    void data(Http2Stream stream, ByteBuffer[] parts, boolean endStream, HttpHeaders trailers, boolean mayBlock)
            throws IOException {
        respond(stream, 0, null, parts, endStream, trailers, mayBlock);
    }

    /**
     * The response's HEADERS ({@code status} > 0) and its first body bytes in one gathering write,
     * as far as the windows allow (a small response is one system call, as on HTTP/1.1); then as
     * {@link #data}.
     */
    void respond(Http2Stream stream, int status, HttpHeaders fields, ByteBuffer[] parts, boolean endStream,
            HttpHeaders trailers, boolean mayBlock) throws IOException {
        if (status > 0) {
            checkEncodable(fields);
        }
        if (trailers != null) {
            checkEncodable(trailers);
        }
        lock.lock();
        try {
            checkOpen(stream);
            ByteBuffer head = status > 0 ? encode(stream.id, status, fields, false) : null;
            boolean endOnData = endStream && (trailers == null || trailers.isEmpty());
            if (stream.queuedBytes == 0 && !stream.endQueued) {
                boolean all = sendWithinWindows(stream, head, parts, endOnData);
                head = null;
                if (all && endStream) {
                    // all of it went: the usual case, one gathering write with END_STREAM on the last frame
                    if (!endOnData) {
                        endingLocally(stream);
                        output.write(encode(stream.id, 0, trailers, true), false);
                    }
                    ended(stream);
                    return;
                }
            }
            if (head != null) {
                output.write(head, false); // a stream that queued data has sent its HEADERS long ago; never here
            }
            long left = remaining(parts);
            if (left > 0) {
                stream.queue.addLast(copy(parts, left));
                stream.queuedBytes += left;
            }
            if (endStream) {
                stream.endQueued = true;
                stream.queuedTrailers = trailers;
            }
            if (stream.queuedBytes > 0 || stream.endQueued) {
                drainQueue(stream);
            }
            if (stream.queuedBytes > 0 || (stream.endQueued && !stream.localClosed)) {
                waiting.add(stream);
            }
            if (mayBlock) {
                awaitQueueBelowWatermark(stream);
            }
        } finally {
            lock.unlock();
        }
        if (mayBlock) {
            output.awaitWritable();
        }
    }

    /** Whether a writer on {@code stream} would not wait now. */
    boolean isReady(Http2Stream stream) {
        lock.lock();
        try {
            return !closed && !stream.reset && stream.queuedBytes <= highWatermark && output.isReady();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code callback} on a worker (through {@code runner}) once {@code stream} could be written again. */
    void whenReady(Http2Stream stream, Runnable callback, java.util.function.Consumer<Runnable> runner) {
        boolean now;
        lock.lock();
        try {
            now = closed || stream.reset || (stream.queuedBytes <= lowWatermark && output.isReady());
            if (!now) {
                stream.readyCallback = callback;
            }
        } finally {
            lock.unlock();
        }
        if (now) {
            runner.accept(callback);
        }
    }

    // ---- control frames (I/O thread) ---------------------------------------------------------

    /**
     * Resets a stream the server still has a say on; false (nothing sent) when it is closed already
     * or was reset (by the client: RFC 9113 5.4.2 forbids answering an RST_STREAM with another).
     */
    boolean rstStream(Http2Stream stream, ErrorCode code) {
        lock.lock();
        try {
            if (stream.reset || stream.localClosed && stream.remoteClosed) {
                return false;
            }
            stream.reset = true;
            dropQueue(stream);
            if (!closed) {
                writeControl(13, out -> FrameWriter.rstStream(out, stream.id, code));
            }
            ended(stream);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The client reset the stream: nothing more goes out on it, and its writer gives up. */
    void peerReset(Http2Stream stream) {
        lock.lock();
        try {
            stream.peerReset = true;
            stream.reset = true;
            dropQueue(stream);
            if (!stream.localClosed) {
                ended(stream);
            }
        } finally {
            lock.unlock();
        }
    }

    /** RST_STREAM for a stream the connection keeps no state for (refused, or already closed). */
    void rstStream(int streamId, ErrorCode code) {
        lock.lock();
        try {
            if (!closed) {
                writeControl(13, out -> FrameWriter.rstStream(out, streamId, code));
            }
        } finally {
            lock.unlock();
        }
    }

    void settings(Http2Settings ours) {
        writeControlLocked(FrameWriter.FRAME_HEADER_LENGTH + ours.encodedLength(), out -> FrameWriter.settings(out, ours));
    }

    void settingsAck() {
        writeControlLocked(FrameWriter.FRAME_HEADER_LENGTH, FrameWriter::settingsAck);
    }

    void ping(long payload) {
        writeControlLocked(17, out -> FrameWriter.ping(out, false, payload));
    }

    void pingAck(long payload) {
        writeControlLocked(17, out -> FrameWriter.ping(out, true, payload));
    }

    void windowUpdate(int streamId, int increment) {
        writeControlLocked(13, out -> FrameWriter.windowUpdate(out, streamId, increment));
    }

    /** GOAWAY; with an error the connection then closes, and nothing else is sent after it. */
    void goAway(int lastStreamId, ErrorCode code, String debug) {
        byte[] debugData = debug == null ? new byte[0] : debug.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        lock.lock();
        try {
            if (closed) {
                return;
            }
            writeControl(FrameWriter.goAwayLength(debugData.length),
                    out -> FrameWriter.goAway(out, lastStreamId, code, ByteBuffer.wrap(debugData)));
            if (code != ErrorCode.NO_ERROR) {
                closed = true;
                progress.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- what the peer's frames change (I/O thread) ------------------------------------------

    /** The peer's SETTINGS: frame size, table size and the initial window of every stream. */
    void peerSettings(Http2Settings settings, Iterable<Http2Stream> open) throws Http2Exception {
        lock.lock();
        try {
            if (settings.isSet(Http2Settings.MAX_FRAME_SIZE)) {
                frames.maxFrameSize(settings.maxFrameSize());
            }
            if (settings.isSet(Http2Settings.HEADER_TABLE_SIZE)) {
                encoder.setMaxTableSize((int) Math.min(Integer.MAX_VALUE, settings.headerTableSize()));
            }
            if (settings.isSet(Http2Settings.INITIAL_WINDOW_SIZE)) {
                int old = peerInitialWindow;
                peerInitialWindow = settings.initialWindowSize();
                for (Http2Stream stream : open) {
                    stream.sendWindow.initialSizeChanged(old, peerInitialWindow);
                }
                drainWaiting();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A stream's initial send window, as the peer's settings say now. */
    FlowControlWindow newSendWindow(int streamId) {
        lock.lock();
        try {
            return new FlowControlWindow(streamId, peerInitialWindow);
        } finally {
            lock.unlock();
        }
    }

    /** WINDOW_UPDATE on the connection ({@code stream} null) or a stream: queued data may go. */
    void windowUpdate(Http2Stream stream, int increment) throws Http2Exception {
        lock.lock();
        try {
            if (stream == null) {
                connectionWindow.increment(increment);
                drainWaiting();
            } else {
                stream.sendWindow.increment(increment);
                if (waiting.contains(stream)) {
                    drainOne(stream);
                }
            }
        } finally {
            lock.unlock();
        }
        runReadyCallbacks();
    }

    /** The connection's output drained some: data held back for it goes on. I/O thread. */
    void resume() {
        lock.lock();
        try {
            drainWaiting();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
        runReadyCallbacks();
    }

    /** The connection closed: no more frames; waiting writers give up. */
    void close() {
        lock.lock();
        try {
            closed = true;
            waiting.clear();
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---- internals (under the lock) ----------------------------------------------------------

    private void checkOpen(Http2Stream stream) throws IOException {
        if (closed) {
            throw new ClientAbortException("HTTP/2 connection closed");
        }
        if (stream.reset) {
            throw new ClientAbortException("stream " + stream.id + " was reset");
        }
        if (stream.localClosed) {
            throw new IOException("stream " + stream.id + " already ended");
        }
    }

    /**
     * A field is octets (RFC 9110 5.5): a char above 0xFF is refused before the encoder sees any
     * field of the block, since the fields before it would already be in its table, and a block
     * that is not sent would leave the client's table behind for the rest of the connection.
     */
    private static void checkEncodable(HttpHeaders fields) throws IOException {
        String[] bad = new String[1];
        fields.forEach((name, value) -> {
            if (bad[0] == null && (!isOctets(name) || !isOctets(value))) {
                bad[0] = name;
            }
        });
        if (bad[0] != null) {
            throw new IOException("response field " + bad[0] + " has a character above 0xFF: it cannot be sent");
        }
    }

    private static boolean isOctets(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }

    private ByteBuffer encode(int streamId, int status, HttpHeaders fields, boolean endStream) {
        block.clear();
        encoder.startBlock(block);
        if (status > 0) {
            encoder.header(block, ":status", Integer.toString(status));
        }
        fields.forEach((name, value) -> encoder.header(block, name.toLowerCase(Locale.ROOT), value));
        ByteBuffer encoded = ByteBuffer.allocate(frames.headersLength(block.length()));
        frames.headers(encoded, streamId, block.asByteBuffer(), endStream);
        encoded.flip();
        return encoded;
    }

    /**
     * Sends what the windows allow of {@code parts} straight from them (the output copies what the
     * socket does not take). Returns whether all of it went; {@code endStream} then puts
     * END_STREAM on the last frame (an empty DATA frame when there was nothing to send).
     */
    private boolean sendWithinWindows(Http2Stream stream, ByteBuffer head, ByteBuffer[] parts, boolean endStream)
            throws IOException {
        long total = remaining(parts);
        int allowed = (int) Math.min(total, Math.max(0, Math.min(stream.sendWindow.size(), connectionWindow.size())));
        boolean all = allowed == total;
        if (endStream && all) {
            endingLocally(stream);
        }
        if (total == 0 || allowed <= 0) {
            ByteBuffer end = null;
            if (total == 0 && endStream) {
                end = ByteBuffer.allocate(FrameWriter.FRAME_HEADER_LENGTH);
                frames.dataHeader(end, stream.id, 0, true);
                end.flip();
            }
            if (head != null && end != null) {
                output.write(new ByteBuffer[] {head, end}, false);
            } else if (head != null || end != null) {
                output.write(head != null ? head : end, false);
            }
            return total == 0;
        }
        int maxFrame = frames.maxFrameSize();
        List<ByteBuffer> out = new ArrayList<>(3 + 2 * (allowed / maxFrame));
        if (head != null) {
            out.add(head);
        }
        int left = allowed;
        int part = 0;
        while (left > 0) {
            int frame = Math.min(left, maxFrame);
            ByteBuffer header = ByteBuffer.allocate(FrameWriter.FRAME_HEADER_LENGTH);
            frames.dataHeader(header, stream.id, frame, endStream && all && frame == left);
            out.add(header.flip());
            int need = frame;
            while (need > 0) {
                ByteBuffer source = parts[part];
                if (!source.hasRemaining()) {
                    part++;
                    continue;
                }
                int n = Math.min(need, source.remaining());
                ByteBuffer slice = source.duplicate();
                slice.limit(slice.position() + n);
                source.position(source.position() + n);
                out.add(slice);
                need -= n;
            }
            left -= frame;
        }
        stream.sendWindow.consume(allowed);
        connectionWindow.consume(allowed);
        output.write(out.toArray(new ByteBuffer[0]), false);
        return all;
    }

    /** Moves the stream's queue out within the windows, then its end (END_STREAM or trailers) once the queue is empty. */
    private void drainQueue(Http2Stream stream) throws IOException {
        while (stream.queuedBytes > 0) {
            if (!output.isReady()) {
                return; // the client does not read: resume() goes on once it does
            }
            int allowed = (int) Math.min(stream.queuedBytes, Math.min(stream.sendWindow.size(), connectionWindow.size()));
            if (allowed <= 0) {
                return;
            }
            ByteBuffer[] taken = take(stream, allowed);
            sendWithinWindows(stream, null, taken, false);
            stream.lastProgressNanos = System.nanoTime();
        }
        if (stream.endQueued && !stream.localClosed) {
            endingLocally(stream);
            HttpHeaders trailers = stream.queuedTrailers;
            if (trailers != null && !trailers.isEmpty()) {
                output.write(encode(stream.id, 0, trailers, true), false);
            } else {
                ByteBuffer end = ByteBuffer.allocate(FrameWriter.FRAME_HEADER_LENGTH);
                frames.dataHeader(end, stream.id, 0, true);
                output.write(end.flip(), false);
            }
            ended(stream);
        }
    }

    private ByteBuffer[] take(Http2Stream stream, int length) {
        List<ByteBuffer> taken = new ArrayList<>();
        int left = length;
        while (left > 0) {
            ByteBuffer first = stream.queue.peekFirst();
            if (first.remaining() <= left) {
                taken.add(stream.queue.pollFirst());
                left -= first.remaining();
            } else {
                ByteBuffer slice = first.duplicate();
                slice.limit(slice.position() + left);
                first.position(first.position() + left);
                taken.add(slice);
                left = 0;
            }
        }
        stream.queuedBytes -= length;
        return taken.toArray(new ByteBuffer[0]);
    }

    private void drainWaiting() {
        if (waiting.isEmpty()) {
            return;
        }
        for (Http2Stream stream : new ArrayList<>(waiting)) {
            if (!output.isReady() || connectionWindow.size() <= 0 && stream.queuedBytes > 0) {
                break;
            }
            if (!drainOne(stream)) {
                return;
            }
        }
    }

    /** Moves what a waiting stream may send now; false when the connection is going away. */
    private boolean drainOne(Http2Stream stream) {
        try {
            drainQueue(stream);
        } catch (IOException e) {
            return false; // the connection is going away: its close wakes every writer
        }
        if (stream.queuedBytes == 0 && (!stream.endQueued || stream.localClosed)) {
            waiting.remove(stream);
        }
        afterProgress(stream);
        return true;
    }

    private void afterProgress(Http2Stream stream) {
        progress.signalAll();
        if (stream.readyCallback != null && stream.queuedBytes <= lowWatermark) {
            readyToRun.add(stream.readyCallback);
            stream.readyCallback = null;
        }
    }

    void readyRunner(java.util.function.Consumer<Runnable> runner) {
        this.readyRunner = runner;
    }

    private void runReadyCallbacks() {
        List<Runnable> ready;
        lock.lock();
        try {
            if (readyToRun.isEmpty()) {
                return;
            }
            ready = new ArrayList<>(readyToRun);
            readyToRun.clear();
        } finally {
            lock.unlock();
        }
        ready.forEach(readyRunner);
    }

    private void awaitQueueBelowWatermark(Http2Stream stream) throws IOException {
        long lastProgress = stream.lastProgressNanos = System.nanoTime();
        while (stream.queuedBytes > highWatermark && !stream.reset && !closed) {
            try {
                progress.await(Math.min(writeTimeoutNanos, TimeUnit.SECONDS.toNanos(1)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientAbortException("interrupted while waiting for the client's flow-control window", e);
            }
            if (stream.lastProgressNanos != lastProgress) {
                lastProgress = stream.lastProgressNanos;
            } else if (System.nanoTime() - lastProgress >= writeTimeoutNanos && stream.queuedBytes > highWatermark) {
                // A stalled reader, like an HTTP/1.1 client that stopped reading: the stream goes, the worker is free.
                if (rstStream(stream, ErrorCode.CANCEL)) {
                    counters.reset("cancel");
                }
                throw new ClientAbortException("client did not open stream " + stream.id
                        + "'s flow-control window within the write timeout");
            }
        }
        if (closed || stream.reset) {
            throw new ClientAbortException("stream " + stream.id + " was reset or its connection closed");
        }
    }

    /**
     * Marks the stream closed on our side before the frame carrying END_STREAM is written: the
     * client may read it and open its next stream at once, and that HEADERS must not find this one
     * still counted against SETTINGS_MAX_CONCURRENT_STREAMS (h2load -m 100 does exactly that).
     */
    private static void endingLocally(Http2Stream stream) {
        stream.localClosed = true;
    }

    private void ended(Http2Stream stream) {
        stream.localClosed = true;
        waiting.remove(stream);
        progress.signalAll();
        stream.onLocalEnd();
    }

    private void dropQueue(Http2Stream stream) {
        stream.queue.clear();
        stream.queuedBytes = 0;
        stream.endQueued = false;
        waiting.remove(stream);
        progress.signalAll();
    }

    private interface FrameBody {
        void write(ByteBuffer out);
    }

    private void writeControlLocked(int length, FrameBody body) {
        lock.lock();
        try {
            if (!closed) {
                writeControl(length, body);
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeControl(int length, FrameBody body) {
        ByteBuffer out = ByteBuffer.allocate(length);
        body.write(out);
        try {
            output.write(out.flip(), false);
        } catch (IOException e) {
            // the connection is closing; whoever closes it tells the streams
        }
    }

    private static long remaining(ByteBuffer[] parts) {
        long total = 0;
        for (ByteBuffer part : parts) {
            total += part.remaining();
        }
        return total;
    }

    private static ByteBuffer copy(ByteBuffer[] parts, long length) {
        ByteBuffer copy = ByteBuffer.allocate((int) length);
        for (ByteBuffer part : parts) {
            copy.put(part);
        }
        return copy.flip();
    }

    String serverHeader() {
        return serverHeader;
    }
}
