package dev.minihttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves behind what a stopped server must give back. Recorded before the
 * class (before its {@code @BeforeAll}) and checked after it (after its {@code @AfterAll}), polling
 * for up to {@value #WAIT_MILLIS} ms because threads and sockets end a little after {@code stop()}
 * returns:
 *
 * <ul>
 *   <li>no live thread named {@code minihttp-*} (I/O loops, workers, servlet timer, shutdown);</li>
 *   <li>no {@code minihttp-body-*.tmp} or {@code minihttp-part-*.tmp} in {@code java.io.tmpdir}
 *       that was not there before;</li>
 *   <li>where {@code /proc/self/fd} exists: no file descriptor opened during the class is still
 *       open, with exactly two kinds of exception, both owned by the JVM or the test's client and
 *       not by the server. A jar file the class loader opened to load classes stays open for the
 *       life of the JVM. A {@code java.net.http.HttpClient} that a test keeps reachable (a static
 *       field, say) keeps its selector until it is collected: its {@code HttpClient-N-SelectorManager}
 *       thread and up to {@value #FDS_PER_HTTP_CLIENT} descriptors (epoll plus its wakeup pipe or
 *       eventfd), never a socket. Sockets are counted with no allowance at all: once the server is
 *       stopped, an open connection to it on either side is a leak.</li>
 * </ul>
 *
 * <p>Before each poll the check asks for a GC, so that sockets and HttpClients a test merely
 * dropped (without closing) are closed by their cleaners rather than reported.
 */
public final class LeakCheck implements BeforeAllCallback, AfterAllCallback {

    static final long WAIT_MILLIS = 5_000;
    static final int FDS_PER_HTTP_CLIENT = 3;

    private static final Pattern SERVER_THREAD = Pattern.compile("minihttp-.*");
    private static final Pattern HTTP_CLIENT_SELECTOR = Pattern.compile("HttpClient-\\d+-SelectorManager");
    private static final Pattern SERVER_TEMP_FILE = Pattern.compile("minihttp-(body|part)-.*\\.tmp");
    private static final Path FD_DIRECTORY = Path.of("/proc/self/fd");

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);

    /** What was there before the class. fds is null where /proc is absent. */
    record Baseline(Map<Integer, String> fds, Set<String> tempFiles, Set<Thread> clientSelectors) {
    }

    private static boolean warmedUp;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        warmUp();
        context.getStore(NAMESPACE).put(Baseline.class,
                new Baseline(openFds(), serverTempFiles(), threads(HTTP_CLIENT_SELECTOR)));
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Baseline baseline = context.getStore(NAMESPACE).get(Baseline.class, Baseline.class);
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000;
        List<String> leaks;
        while (true) {
            System.gc();
            leaks = leaks(baseline);
            if (leaks.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(context.getRequiredTestClass().getSimpleName() + " left behind, "
                + WAIT_MILLIS + " ms after its last test:\n  " + String.join("\n  ", leaks));
    }

    /**
     * Makes the JDK open, before the first baseline, the descriptors it opens lazily once per JVM
     * and never closes, so that they do not count against the first class that triggers them:
     * /dev/random and /dev/urandom (NativePRNG, used by Files.createTempFile) and the Unix socket
     * that NIO dup2()s over a descriptor closed while a thread uses it (the pre-close marker,
     * created when FileDispatcherImpl initialises on JDK 17, on the first such close on JDK 21+).
     * A descriptor closed that way that never got its real close still shows up: as a new fd
     * number pointing at the marker's socket.
     */
    private static synchronized void warmUp() throws IOException {
        if (warmedUp) {
            return;
        }
        Path file = Files.createTempFile("leakcheck-", ".tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {1}));
        } finally {
            Files.delete(file);
        }
        // the marker as JDK 21+ creates it: on the first close of a socket a thread is reading
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open(listener.getLocalAddress());
             SocketChannel accepted = listener.accept()) {
            Thread reader = new Thread(() -> {
                try {
                    client.read(ByteBuffer.allocate(1));
                } catch (IOException closed) {
                    // expected: closed under the reader
                }
            }, "leakcheck-warm-up");
            reader.start();
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (!isReading(reader) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            client.close();
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        warmedUp = true;
    }

    private static boolean isReading(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.isNativeMethod()) {
                return true;
            }
        }
        return false;
    }

    static List<String> leaks(Baseline baseline) {
        List<String> leaks = new ArrayList<>();
        for (Thread thread : threads(SERVER_THREAD)) {
            StackTraceElement[] stack = thread.getStackTrace();
            leaks.add("thread " + thread.getName() + " (" + thread.getState()
                    + (stack.length > 0 ? " at " + stack[0] : "") + ")");
        }
        for (String file : serverTempFiles()) {
            if (!baseline.tempFiles().contains(file)) {
                leaks.add("temp file " + file);
            }
        }
        if (baseline.fds() != null) {
            leaks.addAll(fdLeaks(baseline));
        }
        return leaks;
    }

    private static List<String> fdLeaks(Baseline baseline) {
        Map<Integer, String> now = openFds();
        if (now == null) {
            return List.of();
        }
        Set<Thread> newSelectors = threads(HTTP_CLIENT_SELECTOR);
        newSelectors.removeAll(baseline.clientSelectors());
        int selectorAllowance = FDS_PER_HTTP_CLIENT * newSelectors.size();
        Map<String, String> sockets = null;
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<Integer, String> fd : now.entrySet()) {
            String target = fd.getValue();
            if (target.equals(baseline.fds().get(fd.getKey())) || target.endsWith(".jar")
                    || target.startsWith("/proc/")) {
                continue;
            }
            if (isSelectorPart(target) && selectorAllowance > 0) {
                selectorAllowance--;
                continue;
            }
            if (target.startsWith("socket:[")) {
                if (sockets == null) {
                    sockets = tcpSockets();
                }
                String inode = target.substring("socket:[".length(), target.length() - 1);
                target += " " + sockets.getOrDefault(inode, "(neither TCP nor Unix)");
            }
            leaks.add("fd " + fd.getKey() + " -> " + target);
        }
        if (!leaks.isEmpty() && !newSelectors.isEmpty()) {
            leaks.add("(" + newSelectors.size() + " HttpClient selector(s) still reachable, "
                    + FDS_PER_HTTP_CLIENT * newSelectors.size() + " non-socket fds allowed for them)");
        }
        return leaks;
    }

    private static boolean isSelectorPart(String target) {
        return target.equals("anon_inode:[eventpoll]") || target.equals("anon_inode:[eventfd]")
                || target.startsWith("pipe:[");
    }

    /** fd number to what it points at, or null where /proc/self/fd does not exist. */
    static Map<Integer, String> openFds() {
        if (!Files.isDirectory(FD_DIRECTORY)) {
            return null;
        }
        Map<Integer, String> fds = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(FD_DIRECTORY)) {
            for (Path entry : entries) {
                try {
                    fds.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                } catch (IOException e) {
                    // closed between listing and reading (the directory stream's own fd, typically)
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + FD_DIRECTORY, e);
        }
        return fds;
    }

    /** Socket inode to "local -> remote STATE", from /proc/net/tcp and tcp6. */
    private static Map<String, String> tcpSockets() {
        Map<String, String> sockets = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    sockets.put(f[9], address(f[1]) + " -> " + address(f[2]) + " " + tcpState(f[3]));
                }
            } catch (IOException | RuntimeException e) {
                // best effort: only used to describe a leak
            }
        }
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/unix"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                sockets.put(f[6], "unix " + (f.length > 7 ? f[7] : "(unnamed)") + " state " + f[5]);
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        return sockets;
    }

    private static String address(String hexAddressAndPort) {
        String port = Integer.toString(Integer.parseInt(hexAddressAndPort.substring(hexAddressAndPort.indexOf(':') + 1), 16));
        return (hexAddressAndPort.length() > 13 ? "[v6]" : "") + ":" + port;
    }

    private static String tcpState(String hex) {
        return switch (Integer.parseInt(hex, 16)) {
            case 1 -> "ESTABLISHED";
            case 2 -> "SYN_SENT";
            case 3 -> "SYN_RECV";
            case 4 -> "FIN_WAIT1";
            case 5 -> "FIN_WAIT2";
            case 6 -> "TIME_WAIT";
            case 7 -> "CLOSE";
            case 8 -> "CLOSE_WAIT";
            case 9 -> "LAST_ACK";
            case 10 -> "LISTEN";
            case 11 -> "CLOSING";
            default -> "state " + hex;
        };
    }

    private static Set<Thread> threads(Pattern name) {
        Set<Thread> threads = new HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && name.matcher(thread.getName()).matches()) {
                threads.add(thread);
            }
        }
        return threads;
    }

    private static Set<String> serverTempFiles() {
        Set<String> files = new HashSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(System.getProperty("java.io.tmpdir")))) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (SERVER_TEMP_FILE.matcher(name).matches()) {
                    files.add(name);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list java.io.tmpdir", e);
        }
        return files;
    }
}
