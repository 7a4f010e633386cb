package dev.minihttp.reliability;

import dev.minihttp.server.RawConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The mixed load of {@code bench/soak.sh}: client threads that run for a given time, each on a
 * keep-alive connection most of the time and on a new connection for one request in five, mixing
 * small and large responses, small and large (spooled) uploads, handler failures (500) and
 * unknown paths (404). Every response is checked; anything unexpected is counted, the first few
 * are printed, and the exit status is 1 when there was any.
 *
 * <pre>java -cp ... dev.minihttp.reliability.SoakLoad port seconds [threads]</pre>
 */
public final class SoakLoad {

    private static final byte[] LARGE_UPLOAD = new byte[200 * 1024];
    private static final byte[] LARGE_RESPONSE = SoakServer.large();

    private final int port;
    private final LongAdder requests = new LongAdder();
    private final LongAdder newConnections = new LongAdder();
    private final LongAdder unexpected = new LongAdder();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();

    private SoakLoad(int port) {
        this.port = port;
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = Long.parseLong(args[1]);
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Arrays.fill(LARGE_UPLOAD, (byte) 'u');
        SoakLoad load = new SoakLoad(port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            long seed = i;
            Thread thread = new Thread(() -> load.run(deadline, new SplittableRandom(seed)), "soak-client-" + i);
            thread.start();
            clients.add(thread);
        }
        for (Thread thread : clients) {
            thread.join(TimeUnit.SECONDS.toMillis(seconds + 60));
        }
        System.out.println("LOAD requests=" + load.requests.sum() + " newConnections=" + load.newConnections.sum()
                + " unexpected=" + load.unexpected.sum());
        load.problems.stream().limit(20).forEach(p -> System.out.println("PROBLEM " + p));
        System.exit(load.unexpected.sum() == 0 ? 0 : 1);
    }

    private void run(long deadline, SplittableRandom random) {
        RawConnection keepAlive = null;
        while (System.nanoTime() < deadline) {
            boolean fresh = random.nextInt(5) == 0;
            try {
                if (fresh) {
                    try (RawConnection connection = new RawConnection(port)) {
                        newConnections.increment();
                        one(connection, random);
                    }
                } else {
                    if (keepAlive == null) {
                        keepAlive = new RawConnection(port);
                        newConnections.increment();
                    }
                    one(keepAlive, random);
                }
            } catch (IOException | RuntimeException e) {
                problem("I/O: " + e);
                if (keepAlive != null) {
                    close(keepAlive);
                    keepAlive = null;
                }
            }
        }
        if (keepAlive != null) {
            close(keepAlive);
        }
    }

    private void one(RawConnection connection, SplittableRandom random) throws IOException {
        int kind = random.nextInt(100);
        requests.increment();
        if (kind < 40) {
            expect(connection, "GET /small", null, 200, "ok".getBytes(StandardCharsets.US_ASCII));
        } else if (kind < 55) {
            expect(connection, "GET /large", null, 200, LARGE_RESPONSE);
        } else if (kind < 75) {
            byte[] body = ("upload " + random.nextInt()).getBytes(StandardCharsets.US_ASCII);
            expect(connection, "POST /echo", body, 200, body);
        } else if (kind < 85) {
            expect(connection, "POST /echo", LARGE_UPLOAD, 200, LARGE_UPLOAD);
        } else if (kind < 93) {
            expect(connection, "GET /error", null, 500, "Internal Server Error\n".getBytes(StandardCharsets.US_ASCII));
        } else {
            expect(connection, "GET /missing", null, 404, "no such thing".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private void expect(RawConnection connection, String requestLine, byte[] body, int status, byte[] expected)
            throws IOException {
        String head = requestLine + " HTTP/1.1\r\nHost: soak\r\n"
                + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        connection.send(head);
        if (body != null) {
            connection.send(body);
        }
        RawConnection.Response response = connection.readResponse();
        if (response.status() != status || !Arrays.equals(response.body(), expected)) {
            problem(requestLine + ": got " + response.status() + " with " + response.body().length + " bytes");
        }
    }

    private void problem(String text) {
        unexpected.increment();
        if (problems.size() < 100) {
            problems.add(text);
        }
    }

    private static void close(RawConnection connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // going away anyway
        }
    }
}
