package dev.minihttp.reliability;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.server.Eventually;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Invariant 5 under load: keep-alive clients hammer a handler with a small delay, and
 * {@code shutdownGracefully} is called in the middle. Every request the application handled reaches
 * its client whole; every other request sees a clean close before any byte of a response (or the
 * documented 503 for a request completed while draining); nothing is truncated; new connections
 * are refused afterwards; and the shutdown reports that it finished in time.
 */
@LeakChecked
class ShutdownUnderLoadTest {

    private static final int CLIENTS = 24;
    private static final int WORKERS = 8;

    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private final Set<String> receivedWhole = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    private final AtomicInteger closedBeforeResponse = new AtomicInteger();
    private final AtomicInteger refusedWhileDraining = new AtomicInteger();
    private final AtomicInteger answeredWithClose = new AtomicInteger();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Big enough for some responses to be chunked and to need several writes. */
    private static String body(String path) {
        int repeat = path.hashCode() % 3 == 0 ? 2000 : 3;
        return (path + "\n").repeat(repeat);
    }

    @Test
    void gracefulShutdownInTheMiddleOfLoadLosesNoAcceptedRequest() throws Exception {
        server = RunningServer.start(ServerOptions.builder().workerThreads(WORKERS).queueCapacity(100), (request, response) -> {
            Thread.sleep(10);
            response.body().write(body(request.path()).getBytes(StandardCharsets.US_ASCII));
            handled.add(request.path());
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            Thread thread = new Thread(() -> runClient(client, deadline), "test-client-" + c);
            thread.start();
            clients.add(thread);
        }
        Eventually.await("the load to be under way", () -> handled.size() >= 300 + CLIENTS, handled::size);

        ServerStats before = server.stats();
        shutdownStarted.set(true);
        boolean finished = server.server.shutdownGracefully(Duration.ofSeconds(10));
        for (Thread thread : clients) {
            thread.join(30_000);
            assertThat(thread.isAlive()).as(thread.getName() + " still running").isFalse();
        }

        assertThat(finished).as("shutdownGracefully returned true").isTrue();
        assertThat(violations).isEmpty();
        // Nothing accepted is lost: each request the application handled was received whole.
        assertThat(receivedWhole).containsAll(handled);
        assertThat(before.busyThreads() + before.queueSize()).as("work in flight when shutdown began").isPositive();
        assertThat(answeredWithClose.get()).as("responses finished during the shutdown, with Connection: close").isPositive();
        assertThatThrownBy(() -> new Socket("127.0.0.1", server.port()).close()).isInstanceOf(ConnectException.class);
        ServerStats after = server.stats();
        assertThat(after.connections()).isZero();
        assertThat(after.busyThreads()).isZero();
        assertThat(after.rejected().keySet()).isSubsetOf(Set.of("shutdown"));
        assertThat(refusedWhileDraining.get()).isEqualTo(after.rejected().getOrDefault("shutdown", 0L).intValue());
    }

    /** One keep-alive client: request after request, reconnecting after a close, until refused. */
    private void runClient(int client, long deadline) {
        int sequence = 0;
        while (System.nanoTime() < deadline) {
            Socket socket;
            try {
                socket = new Socket("127.0.0.1", server.port());
                socket.setSoTimeout(20_000);
            } catch (IOException refused) {
                if (!shutdownStarted.get()) {
                    violations.add("client " + client + ": connection refused before the shutdown: " + refused);
                }
                return; // the listener is closed: done
            }
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                boolean open = true;
                while (open && System.nanoTime() < deadline) {
                    String path = "/c" + client + "/" + sequence++;
                    try {
                        out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException closed) {
                        closedBeforeResponse.incrementAndGet();
                        break;
                    }
                    open = readOne(client, path, in);
                }
            } catch (IOException e) {
                violations.add("client " + client + ": " + e);
            }
        }
        violations.add("client " + client + ": still not refused when the test's deadline passed");
    }

    /** Reads the response to {@code path}; returns whether the connection stays open. */
    private boolean readOne(int client, String path, InputStream in) {
        int[] count = {0};
        try {
            String head = readHead(in, count);
            if (head == null) {
                closedBeforeResponse.incrementAndGet();
                return false;
            }
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String connection = null;
            long length = -1;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "connection" -> connection = value;
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                    default -> { }
                }
            }
            String body = chunked ? readChunked(in) : new String(in.readNBytes((int) length), StandardCharsets.US_ASCII);
            if (!chunked && body.length() != length) {
                violations.add(path + ": truncated body, " + body.length() + " of " + length + " bytes");
                return false;
            }
            boolean close = "close".equalsIgnoreCase(connection);
            if (status == 200 && body.equals(body(path))) {
                receivedWhole.add(path);
                if (close) {
                    answeredWithClose.incrementAndGet();
                }
            } else if (status == 503 && close && shutdownStarted.get()) {
                refusedWhileDraining.incrementAndGet(); // documented: completed while draining
            } else {
                violations.add(path + ": unexpected " + status + " (" + body.length() + " bytes, Connection: " + connection + ")");
            }
            return !close;
        } catch (IOException e) {
            if (count[0] == 0) {
                closedBeforeResponse.incrementAndGet(); // a reset before any byte: as good as a close
            } else {
                violations.add("client " + client + ", " + path + ": cut off after " + count[0] + " bytes of its head: " + e);
            }
            return false;
        } catch (TruncatedException e) {
            violations.add(path + ": " + e.getMessage());
            return false;
        }
    }

    private static final class TruncatedException extends Exception {
        TruncatedException(String message) {
            super(message);
        }
    }

    /** The head, or null on EOF before its first byte. */
    private static String readHead(InputStream in, int[] count) throws IOException, TruncatedException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (count[0] == 0) {
                    return null;
                }
                throw new TruncatedException("connection closed after " + count[0] + " bytes of a response head");
            }
            count[0]++;
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    private static String readChunked(InputStream in) throws IOException, TruncatedException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in);
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers: none expected
                }
                return body.toString(StandardCharsets.US_ASCII);
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
                throw new TruncatedException("chunked body cut off inside a chunk");
            }
            body.write(chunk);
            if (!readLine(in).isEmpty()) {
                throw new TruncatedException("chunk not followed by CRLF");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException, TruncatedException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new TruncatedException("chunked body cut off");
            }
            if (b == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
                return line.substring(0, line.length() - 1);
            }
            line.append((char) b);
        }
    }
}
