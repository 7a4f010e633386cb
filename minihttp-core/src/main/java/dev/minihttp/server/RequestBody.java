package dev.minihttp.server;

import dev.minihttp.http.BodySink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A request body being received by the I/O thread: bytes stay in memory up to the threshold and
 * move to a temp file past it, so a large upload costs disk, not heap. {@link #release()} deletes
 * the file; the server calls it when the exchange ends, whatever happened.
 */
final class RequestBody implements BodySink {

    private static final byte[] EMPTY = new byte[0];
    private static final InputStream EMPTY_STREAM = new ByteArrayInputStream(EMPTY);

    private final int threshold;
    private final Path tempDirectory;
    private final Set<Path> liveTempFiles;

    private byte[] memory = EMPTY;
    private int memoryLength;
    private Path file;
    private FileChannel fileChannel;
    private long length;

    RequestBody(int threshold, Path tempDirectory, Set<Path> liveTempFiles) {
        this.threshold = threshold;
        this.tempDirectory = tempDirectory;
        this.liveTempFiles = liveTempFiles;
    }

    /** A shared set the server sweeps on stop, so no temp file outlives it. */
    static Set<Path> newTempFileRegistry() {
        return ConcurrentHashMap.newKeySet();
    }

    /** Sizes the memory buffer for a body of known length that will stay in memory. */
    void expect(long contentLength) {
        if (contentLength > 0 && contentLength <= threshold && memory.length < contentLength) {
            memory = new byte[(int) contentLength];
        }
    }

    @Override
    public void write(ByteBuffer data) throws IOException {
        int count = data.remaining();
        if (count == 0) {
            return;
        }
        length += count;
        if (fileChannel == null && memoryLength + count <= threshold) {
            if (memoryLength + count > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(threshold, Math.max(memoryLength + count, memory.length * 2)));
            }
            data.get(memory, memoryLength, count);
            memoryLength += count;
            return;
        }
        if (fileChannel == null) {
            spool();
        }
        while (data.hasRemaining()) {
            fileChannel.write(data);
        }
    }

    private void spool() throws IOException {
        file = Files.createTempFile(tempDirectory, "minihttp-body-", ".tmp");
        liveTempFiles.add(file);
        fileChannel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        fileChannel.write(ByteBuffer.wrap(memory, 0, memoryLength));
        memory = EMPTY;
        memoryLength = 0;
    }

    long length() {
        return length;
    }

    boolean isSpooled() {
        return file != null;
    }

    /** The whole body; call once the I/O thread has finished receiving it. */
    InputStream open() throws IOException {
        if (fileChannel != null) {
            fileChannel.position(0);
            // The stream does not own the channel: release() closes it and deletes the file.
            return Channels.newInputStream(new NonClosingChannel(fileChannel));
        }
        if (memoryLength == 0) {
            return EMPTY_STREAM;
        }
        return new ByteArrayInputStream(memory, 0, memoryLength);
    }

    /** Closes and deletes the temp file, if any. Safe to call more than once and from any thread. */
    synchronized void release() {
        if (fileChannel != null) {
            try {
                fileChannel.close();
            } catch (IOException ignored) {
                // deleting below is what matters
            }
            fileChannel = null;
        }
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                file.toFile().deleteOnExit();
            }
            liveTempFiles.remove(file);
            file = null;
        }
        memory = EMPTY;
        memoryLength = 0;
    }

    /** Lets a stream read the spool file through the channel without closing it. */
    private static final class NonClosingChannel implements java.nio.channels.ReadableByteChannel {
        private final FileChannel channel;
        private boolean open = true;

        NonClosingChannel(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public boolean isOpen() {
            return open && channel.isOpen();
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
