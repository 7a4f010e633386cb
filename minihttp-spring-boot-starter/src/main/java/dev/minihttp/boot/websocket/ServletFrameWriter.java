package dev.minihttp.boot.websocket;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;

/**
 * Tyrus's outgoing frames onto the upgraded connection's non-blocking output. A frame is written
 * while the stream is ready (the engine never parks the writer then); otherwise it waits here
 * until {@code onWritePossible}, which runs on a worker once the client read enough. A client that
 * stops reading therefore holds memory here, never a worker, and only until the engine's write
 * timeout closes the connection, which fails the waiting frames.
 */
final class ServletFrameWriter extends Writer implements WriteListener {

    private record Frame(ByteBuffer data, CompletionHandler<ByteBuffer> done) {
    }

    private final ArrayDeque<Frame> waiting = new ArrayDeque<>();
    private WebConnection connection;
    private ServletOutputStream out;
    private boolean listening;
    private boolean failed;
    private volatile int closeCodeSent = -1;
    private volatile long lastWriteNanos = System.nanoTime();

    /** The upgraded connection is there (before Tyrus's endpoint can send anything from onOpen). */
    synchronized void connected(WebConnection webConnection) throws IOException {
        this.connection = webConnection;
        this.out = webConnection.getOutputStream();
    }

    @Override
    public synchronized void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        noteCloseFrame(buffer);
        if (out == null || failed) {
            fail(completionHandler, new IOException("the WebSocket connection is not open"));
            return;
        }
        if (waiting.isEmpty() && out.isReady()) {
            send(buffer, completionHandler);
            return;
        }
        waiting.addLast(new Frame(buffer, completionHandler));
        if (!listening) {
            listening = true;
            out.setWriteListener(this); // onWritePossible once there is room
        } else {
            out.isReady(); // asks for one more onWritePossible
        }
    }

    @Override
    public synchronized void onWritePossible() {
        while (!waiting.isEmpty() && out.isReady()) {
            Frame frame = waiting.pollFirst();
            send(frame.data(), frame.done());
        }
    }

    @Override
    public synchronized void onError(Throwable t) {
        failed = true;
        Frame frame;
        while ((frame = waiting.pollFirst()) != null) {
            fail(frame.done(), t);
        }
    }

    /** Tyrus writes one whole frame per call: a close frame's status code is in its first payload bytes. */
    private void noteCloseFrame(ByteBuffer frame) {
        int p = frame.position();
        if (closeCodeSent < 0 && frame.remaining() >= 2 && (frame.get(p) & 0x0F) == 0x8) {
            int length = frame.get(p + 1) & 0x7F;
            closeCodeSent = length >= 2 && frame.remaining() >= 4
                    ? ((frame.get(p + 2) & 0xFF) << 8) | (frame.get(p + 3) & 0xFF) : 1005;
        }
    }

    /** The status code of the close frame this side sent, or -1 when it sent none. */
    int closeCodeSent() {
        return closeCodeSent;
    }

    /** When a frame last went to the connection's output. */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    private void send(ByteBuffer buffer, CompletionHandler<ByteBuffer> completionHandler) {
        lastWriteNanos = System.nanoTime();
        try {
            if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
                buffer.position(buffer.limit());
            } else {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                out.write(copy);
            }
            if (completionHandler != null) {
                completionHandler.completed(buffer);
            }
        } catch (IOException | RuntimeException e) {
            fail(completionHandler, e);
        }
    }

    private static void fail(CompletionHandler<ByteBuffer> completionHandler, Throwable cause) {
        if (completionHandler != null) {
            completionHandler.failed(cause);
        }
    }

    @Override
    public void close() {
        WebConnection current;
        synchronized (this) {
            current = connection;
        }
        if (current != null) {
            try {
                current.close();
            } catch (Exception ignored) {
                // closing is all that was asked
            }
        }
    }
}
