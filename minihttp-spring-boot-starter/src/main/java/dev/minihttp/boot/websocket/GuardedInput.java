package dev.minihttp.boot.websocket;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * The upgraded connection's input as Tyrus reads it, through a {@link FrameGuard}: bytes up to a
 * frame that breaks a rule reach Tyrus, then the input reads as empty and not ready, and the
 * connection is closed with the guard's code.
 */
final class GuardedInput extends ServletInputStream {

    interface Violation {
        void closeWith(int code);
    }

    private final ServletInputStream delegate;
    private final FrameGuard guard;
    private final Violation onViolation;
    private volatile boolean refused;
    private volatile long lastReadNanos = System.nanoTime();

    GuardedInput(ServletInputStream delegate, FrameGuard guard, Violation onViolation) {
        this.delegate = delegate;
        this.guard = guard;
        this.onViolation = onViolation;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (refused) {
            return 0;
        }
        int n = delegate.read(buffer, offset, length);
        if (n <= 0) {
            return n;
        }
        lastReadNanos = System.nanoTime();
        int allowed = guard.inspect(buffer, offset, n);
        if (allowed == FrameGuard.OK) {
            return n;
        }
        refused = true;
        onViolation.closeWith(guard.violation());
        return allowed;
    }

    /** When bytes last came from the client (a pong too). */
    long lastReadNanos() {
        return lastReadNanos;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int available() throws IOException {
        return refused ? 0 : delegate.available();
    }

    @Override
    public boolean isFinished() {
        return refused || delegate.isFinished();
    }

    @Override
    public boolean isReady() {
        return !refused && delegate.isReady();
    }

    @Override
    public void setReadListener(ReadListener readListener) {
        delegate.setReadListener(readListener);
    }
}
