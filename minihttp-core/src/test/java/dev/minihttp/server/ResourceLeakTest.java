package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code stop()} must give back (threads, file descriptors, temp files), and garbage on the
 * wire answered at once instead of waited on.
 */
@LeakChecked
class ResourceLeakTest {

    private static final int THRESHOLD = 16 * 1024;

    @TempDir
    Path spoolDirectory;

    private RunningServer start(ServerOptions.Builder options) {
        return RunningServer.start(options.bodyBufferThreshold(THRESHOLD).tempDirectory(spoolDirectory),
                (request, response) -> {
                    byte[] body = request.body().readAllBytes();
                    response.body().write((request.path() + " " + body.length).getBytes(StandardCharsets.US_ASCII));
                });
    }

    private static boolean noServerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("minihttp-"));
    }

    private static int openDescriptors() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }

    private boolean spoolDirectoryIsEmpty() {
        try (Stream<Path> files = Files.list(spoolDirectory)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String post(int length) {
        return "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n";
    }

    /** One full cycle first, so classes, jars and JDK-internal descriptors are loaded before the baseline. */
    private int exercise(ServerOptions.Builder options, boolean closeClientsBeforeStop) throws IOException {
        int whileRunning;
        RunningServer server = start(options);
        List<RawConnection> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawConnection connection = server.connect();
                clients.add(connection);
                connection.send(post(i % 4 == 0 ? 50_000 : 10) + (i % 4 == 0 ? "z".repeat(50_000) : "0123456789"));
                assertThat(connection.readResponse().text()).isEqualTo("/up " + (i % 4 == 0 ? 50_000 : 10));
            }
            // One connection mid-head and one mid-body when the server stops.
            clients.get(1).send("GET /partial HTTP/1.1\r\nHost");
            clients.get(2).send(post(1_000_000) + "y".repeat(100_000));
            Eventually.await("the upload to be spooled", () -> !spoolDirectoryIsEmpty());
            whileRunning = openDescriptors();
            if (closeClientsBeforeStop) {
                for (RawConnection client : clients) {
                    client.close();
                }
            }
        } finally {
            server.close();
            for (RawConnection client : clients) {
                client.close();
            }
        }
        return whileRunning;
    }

    @Test
    void stopLeavesNoThreadNoDescriptorAndNoTempFile() throws Exception {
        Assumptions.assumeTrue(openDescriptors() > 0, "needs /proc/self/fd");
        ServerOptions.Builder options = ServerOptions.builder().ioThreads(2).workerThreads(4);
        exercise(options, true);
        Eventually.await("no minihttp thread after the warm-up", ResourceLeakTest::noServerThreads);
        int baseline = openDescriptors();

        int whileRunning = exercise(options, false);
        // 20 client sockets, 20 server sockets, selectors, the listener and a spool file: the count can see a leak.
        assertThat(whileRunning).isGreaterThan(baseline + 40);
        Eventually.await("no minihttp thread after stop()", ResourceLeakTest::noServerThreads,
                () -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.startsWith("minihttp-")).toList());
        // A small tolerance for descriptors the JDK opens lazily on its own.
        Eventually.await("the descriptor count back to its baseline of " + baseline,
                () -> openDescriptors() <= baseline + 3, ResourceLeakTest::openDescriptors);
        assertThat(spoolDirectoryIsEmpty()).isTrue();
    }

    @Test
    void spooledBodyFileIsDeletedWhenTheRequestEnds() throws Exception {
        AtomicBoolean sawSpoolFile = new AtomicBoolean();
        try (RunningServer server = RunningServer.start(ServerOptions.builder().bodyBufferThreshold(THRESHOLD)
                .tempDirectory(spoolDirectory), (request, response) -> {
                    sawSpoolFile.set(!spoolDirectoryIsEmpty());
                    response.body().write(Long.toString(request.body().readAllBytes().length).getBytes(StandardCharsets.US_ASCII));
                })) {
            byte[] body = new byte[300_000];
            new Random(1).nextBytes(body);
            try (RawConnection connection = server.connect()) {
                connection.send(post(body.length).getBytes(StandardCharsets.US_ASCII));
                connection.send(body);
                assertThat(connection.readResponse().text()).isEqualTo("300000");
            }
            assertThat(sawSpoolFile).as("the body was spooled while the handler ran").isTrue();
            // The file is deleted as the exchange ends, just after the response went out.
            Eventually.await("the spool file to be deleted", this::spoolDirectoryIsEmpty);
        }
    }

    @Test
    void stopDuringALargeUploadDeletesItsTempFile() throws Exception {
        RunningServer server = start(ServerOptions.builder());
        try (RawConnection connection = server.connect()) {
            connection.send(post(5_000_000) + "u".repeat(200_000));
            Eventually.await("the upload to be spooled", () -> !spoolDirectoryIsEmpty());
            server.close();
            assertThat(spoolDirectoryIsEmpty()).isTrue();
            assertThat(connection.isClosedByServer()).isTrue();
        } finally {
            server.close();
        }
    }

    @Test
    void refusedOrAbandonedUploadsDeleteTheirSpoolFiles() throws Exception {
        try (RunningServer server = start(ServerOptions.builder().maxRequestBodySize(100_000).minBodyRate(0))) {
            // A chunked body that grows past the limit after it was spooled: 413.
            try (RawConnection connection = server.connect()) {
                connection.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
                connection.send("c350\r\n" + "a".repeat(50_000) + "\r\n");
                Eventually.await("the chunked upload to be spooled", () -> !spoolDirectoryIsEmpty());
                connection.send("c350\r\n" + "a".repeat(50_000) + "\r\nc350\r\n" + "a".repeat(50_000) + "\r\n");
                assertThat(connection.readResponse().status()).isEqualTo(413);
            }
            assertThat(spoolDirectoryIsEmpty()).isTrue();

            // A client that goes away in the middle of a spooled upload.
            try (RawConnection connection = server.connect()) {
                connection.send(post(90_000) + "g".repeat(40_000));
                Eventually.await("the abandoned upload to be spooled", () -> !spoolDirectoryIsEmpty());
            }
            Eventually.await("the abandoned upload's file to be deleted", this::spoolDirectoryIsEmpty);
            Eventually.awaitStats(server, "no connection left", s -> s.connections() == 0);
        }
        // A spooled upload that stalls below the minimum rate: 408.
        try (RunningServer server = start(ServerOptions.builder()
                .requestHeadTimeout(Duration.ofSeconds(30))
                .minBodyRate(100_000)
                .bodyRateGracePeriod(Duration.ofMillis(300)));
             RawConnection connection = server.connect()) {
            connection.send(post(90_000) + "s".repeat(20_000));
            assertThat(connection.readResponse().status()).isEqualTo(408);
            assertThat(spoolDirectoryIsEmpty()).isTrue();
        }
    }

    @Test
    void tlsClientHelloGetsAPrompt400AndTheServerGoesOn() throws Exception {
        // A 30 s head timeout: an answer within the 5 s read timeout shows the server did not wait for more.
        try (RunningServer server = start(ServerOptions.builder().requestHeadTimeout(Duration.ofSeconds(30)))) {
            try (RawConnection connection = server.connect()) {
                connection.timeout(5_000);
                connection.send(clientHello());
                RawConnection.Response response = connection.readResponse();
                assertThat(response.status()).isEqualTo(400);
                assertThat(response.header("Connection")).isEqualTo("close");
                assertThat(connection.isClosedByServer()).isTrue();
            }
            try (RawConnection connection = server.connect()) {
                connection.timeout(5_000);
                connection.send("GET /bare-lf HTTP/1.1\nHost: x\n\n");
                RawConnection.Response response = connection.readResponse();
                assertThat(response.status()).isEqualTo(400);
                assertThat(response.header("Connection")).isEqualTo("close");
                assertThat(connection.isClosedByServer()).isTrue();
            }
            try (RawConnection connection = server.connect()) {
                connection.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("/next 0");
            }
        }
    }

    /** The start of a TLS 1.2/1.3 ClientHello record, as a browser sends it to an https:// URL on this port. */
    private static byte[] clientHello() {
        byte[] random = new byte[32];
        new Random(3).nextBytes(random);
        byte[] prefix = {
            0x16, 0x03, 0x01, 0x00, (byte) 0xc8, // handshake record, TLS 1.0 compat, length 200
            0x01, 0x00, 0x00, (byte) 0xc4,       // ClientHello, length 196
            0x03, 0x03,                          // client version TLS 1.2
        };
        byte[] suites = {0x00, 0x20, 0x13, 0x01, 0x13, 0x02, 0x13, 0x03, (byte) 0xc0, 0x2b, (byte) 0xc0, 0x2f};
        byte[] hello = new byte[prefix.length + random.length + 1 + suites.length];
        System.arraycopy(prefix, 0, hello, 0, prefix.length);
        System.arraycopy(random, 0, hello, prefix.length, random.length);
        hello[prefix.length + random.length] = 0x00; // empty session id
        System.arraycopy(suites, 0, hello, prefix.length + random.length + 1, suites.length);
        return hello;
    }
}
