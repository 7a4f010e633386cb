package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1: a slow sender costs a connection, never a worker. With a single worker, two clients
 * trickle their request (one its body, one its head) while twenty others are served at once.
 */
@LeakChecked
class SlowClientTest {

    private static final int FAST_REQUESTS = 20;
    /** One byte every 100 ms, at least this many bytes before the trickler may finish: about 2 s. */
    private static final int MIN_TRICKLED_BYTES = 20;

    private final Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(ServerOptions.builder()
                .workerThreads(1)
                .requestHeadTimeout(Duration.ofSeconds(60))
                .minBodyRate(0), (request, response) -> {
                    handled.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
                    byte[] body = request.body().readAllBytes();
                    response.body().write((request.path() + ":" + new String(body, StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII));
                });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends {@code prefix}, then {@code trickled} a byte at a time until released (and at least ~2 s), then the rest. */
    private static final class Trickler extends Thread {
        final RawConnection connection;
        final String prefix;
        final String trickled;
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicBoolean release = new AtomicBoolean();
        final AtomicBoolean finished = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Trickler(RawConnection connection, String prefix, String trickled) {
            super("test-trickler");
            this.connection = connection;
            this.prefix = prefix;
            this.trickled = trickled;
        }

        @Override
        public void run() {
            try {
                connection.send(prefix);
                int i = 0;
                for (; i < trickled.length() - 1; i++) {
                    connection.send(trickled.substring(i, i + 1));
                    if (i == 2) {
                        started.countDown();
                    }
                    if (i >= MIN_TRICKLED_BYTES && release.get()) {
                        i++;
                        break;
                    }
                    Thread.sleep(100);
                }
                connection.send(trickled.substring(i));
            } catch (IOException | InterruptedException | RuntimeException e) {
                failure.set(e);
                started.countDown();
            } finally {
                finished.set(true);
            }
        }
    }

    @Test
    void slowSendersDoNotHoldTheOnlyWorker() throws Exception {
        String slowBody = "b".repeat(400);
        try (RawConnection bodyConnection = server.connect(); RawConnection headConnection = server.connect()) {
            Trickler bodyTrickler = new Trickler(bodyConnection,
                    "POST /slow-body HTTP/1.1\r\nHost: x\r\nContent-Length: " + slowBody.length() + "\r\n\r\n", slowBody);
            Trickler headTrickler = new Trickler(headConnection, "",
                    "GET /slow-head HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(400) + "\r\n\r\n");
            bodyTrickler.start();
            headTrickler.start();
            try {
                assertThat(bodyTrickler.started.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(headTrickler.started.await(10, TimeUnit.SECONDS)).isTrue();

                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
                for (int i = 0; i < FAST_REQUESTS; i++) {
                    HttpRequest request = i % 2 == 0
                            ? HttpRequest.newBuilder(server.uri("/fast" + i)).build()
                            : HttpRequest.newBuilder(server.uri("/fast" + i))
                                    .POST(HttpRequest.BodyPublishers.ofString("data" + i)).build();
                    responses.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
                }
                for (int i = 0; i < FAST_REQUESTS; i++) {
                    HttpResponse<String> response = responses.get(i).get(20, TimeUnit.SECONDS);
                    assertThat(response.statusCode()).isEqualTo(200);
                    assertThat(response.body()).isEqualTo("/fast" + i + ":" + (i % 2 == 0 ? "" : "data" + i));
                }

                // All twenty were served while both slow requests were still arriving.
                assertThat(bodyTrickler.finished).isFalse();
                assertThat(headTrickler.finished).isFalse();
                assertThat(handled).doesNotContainKeys("/slow-body", "/slow-head");
                Eventually.awaitStats(server, "the worker to be idle", s -> s.busyThreads() == 0);
                assertThat(server.stats().connections()).isGreaterThanOrEqualTo(2);
            } finally {
                bodyTrickler.release.set(true);
                headTrickler.release.set(true);
                bodyTrickler.join(30_000);
                headTrickler.join(30_000);
            }
            assertThat(bodyTrickler.failure.get()).isNull();
            assertThat(headTrickler.failure.get()).isNull();
            assertThat(bodyConnection.readResponse().text()).isEqualTo("/slow-body:" + slowBody);
            assertThat(headConnection.readResponse().text()).isEqualTo("/slow-head:");
        }
    }
}
