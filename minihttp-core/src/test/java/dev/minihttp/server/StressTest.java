package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded concurrent run: 200 keep-alive connections at once, 25 requests each, GETs and POSTs
 * (Content-Length and chunked, some large enough to spool), every response body checked exactly.
 */
@LeakChecked
class StressTest {

    private static final int CONNECTIONS = 200;
    private static final int REQUESTS_PER_CONNECTION = 25;
    private static final int SPOOL_THRESHOLD = 16 * 1024;

    @TempDir
    Path spoolDirectory;

    /** The GET response for a path: a few hundred bytes to ~12 KiB, so some are chunked (over the 8 KiB buffer). */
    private static byte[] getBody(int connection, int request) {
        return ("response for connection " + connection + " request " + request + "\n")
                .repeat(1 + (connection * 7 + request * 13) % 250).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] postBody(int connection, int request) {
        int size = request % 5 == 0 ? 40_000 + connection : 1 + (connection * 31 + request * 17) % 3000;
        byte[] body = new byte[size];
        new Random(connection * 1000L + request).nextBytes(body);
        return body;
    }

    @Test
    void hundredsOfConnectionsThousandsOfRequestsEveryResponseChecked() throws Exception {
        AtomicInteger spooled = new AtomicInteger();
        try (RunningServer server = RunningServer.start(ServerOptions.builder()
                .workerThreads(16)
                .ioThreads(2)
                .queueCapacity(1000)
                .bodyBufferThreshold(SPOOL_THRESHOLD)
                .tempDirectory(spoolDirectory), (request, response) -> {
                    if (request.method().equals("POST")) {
                        if (request.contentLength() > SPOOL_THRESHOLD) {
                            try (Stream<Path> files = Files.list(spoolDirectory)) {
                                if (files.findAny().isPresent()) {
                                    spooled.incrementAndGet();
                                }
                            }
                        }
                        response.header("Content-Type", "application/octet-stream");
                        request.body().transferTo(response.body());
                    } else {
                        String[] parts = request.path().split("/");
                        response.body().write(getBody(Integer.parseInt(parts[2]), Integer.parseInt(parts[3])));
                    }
                })) {
            ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger checked = new AtomicInteger();
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int c = 0; c < CONNECTIONS; c++) {
                    int connectionNumber = c;
                    results.add(clients.submit(() -> {
                        go.await();
                        runConnection(server, connectionNumber, checked);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> result : results) {
                    result.get(90, TimeUnit.SECONDS);
                }
            } finally {
                clients.shutdownNow();
                clients.awaitTermination(10, TimeUnit.SECONDS);
            }

            assertThat(checked).hasValue(CONNECTIONS * REQUESTS_PER_CONNECTION);
            assertThat(spooled.get()).as("requests that were spooled to disk").isPositive();
            Eventually.awaitStats(server, "an idle server with every connection gone",
                    s -> s.busyThreads() == 0 && s.queueSize() == 0 && s.connections() == 0);
            ServerStats stats = server.stats();
            assertThat(stats.requests()).isEqualTo(CONNECTIONS * REQUESTS_PER_CONNECTION);
            assertThat(stats.queueWaitCount()).isEqualTo(CONNECTIONS * REQUESTS_PER_CONNECTION);
            assertThat(stats.rejected()).isEmpty();
            assertThat(stats.exceptions()).isEmpty();
            assertThat(stats.errors()).isZero();
            try (Stream<Path> files = Files.list(spoolDirectory)) {
                assertThat(files).as("spool files left behind").isEmpty();
            }
        }
    }

    private static void runConnection(RunningServer server, int c, AtomicInteger checked) throws IOException {
        try (RawConnection connection = server.connect()) {
            connection.timeout(60_000);
            for (int r = 0; r < REQUESTS_PER_CONNECTION; r++) {
                byte[] expected;
                switch ((c + r) % 3) {
                    case 0 -> {
                        connection.send("GET /get/" + c + "/" + r + " HTTP/1.1\r\nHost: x\r\n\r\n");
                        expected = getBody(c, r);
                    }
                    case 1 -> {
                        expected = postBody(c, r);
                        ByteArrayOutputStream request = new ByteArrayOutputStream();
                        request.writeBytes(("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: " + expected.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        request.writeBytes(expected);
                        connection.send(request.toByteArray());
                    }
                    default -> {
                        expected = postBody(c, r);
                        connection.send(chunked(expected));
                    }
                }
                RawConnection.Response response = connection.readResponse();
                if (response.status() != 200 || !java.util.Arrays.equals(response.body(), expected)) {
                    throw new AssertionError("connection " + c + " request " + r + ": status " + response.status()
                            + ", " + response.body().length + " bytes instead of " + expected.length);
                }
                checked.incrementAndGet();
            }
        }
    }

    /** The body as chunks of varying sizes, with a trailer. */
    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes("POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        int position = 0;
        int size = 1;
        while (position < body.length) {
            int n = Math.min(size, body.length - position);
            request.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            request.write(body, position, n);
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            position += n;
            size = size * 3 + 7;
        }
        request.writeBytes("0\r\nX-Done: yes\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return request.toByteArray();
    }
}
