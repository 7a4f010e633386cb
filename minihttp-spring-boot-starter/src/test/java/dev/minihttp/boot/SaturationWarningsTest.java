package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.server.ServerStats;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The saturation WARN: one line naming what to tune when the queue is more than half full or
 * requests were rejected, then nothing more for a minute. The rate limit is checked with a clock
 * the test moves; the last test saturates a real server.
 */
@ExtendWith(OutputCaptureExtension.class)
class SaturationWarningsTest {

    private static final String WARNING = "minihttp is saturated";
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final AtomicInteger reads = new AtomicInteger();
    private volatile ServerStats current = stats(0, 0);
    private final SaturationWarnings warnings = new SaturationWarnings((request, response) -> { }, () -> {
        reads.incrementAndGet();
        return current;
    }, clock::get);

    private static ServerStats stats(int queued, long rejected) {
        return new ServerStats(true, 4, 4, 4, queued, 4, 10, 100, 50,
                rejected == 0 ? Map.of() : Map.of("queue_full", rejected), 0, 0, 0, List.of(), 0, null, List.of(),
                ServerStats.LaneStats.off(List.of(), 2, 10), 0, ServerStats.Http2Stats.NONE);
    }

    private void requestAfter(long nanos) throws Exception {
        clock.addAndGet(nanos);
        warnings.handle(null, null);
    }

    private static int warnings(CapturedOutput output) {
        return output.getOut().split(WARNING, -1).length - 1;
    }

    @Test
    void warnsOnceWhenTheQueueIsMoreThanHalfFullThenNotAgainWithinAMinute(CapturedOutput output) throws Exception {
        requestAfter(0);
        assertThat(warnings(output)).as("not saturated").isZero();

        current = stats(2, 0);
        requestAfter(SECOND);
        assertThat(warnings(output)).as("half full is not more than half").isZero();

        current = stats(3, 0);
        requestAfter(SECOND);
        assertThat(warnings(output)).isEqualTo(1);
        assertThat(output.getOut()).contains("WARN").contains("4/4 workers busy, 3/4 requests queued")
                .contains("raise minihttp.threads").contains("raise minihttp.queue-capacity")
                .contains("/actuator/minihttp");

        current = stats(4, 7);
        requestAfter(SECOND);
        requestAfter(30 * SECOND);
        requestAfter(28 * SECOND);
        assertThat(warnings(output)).as("suppressed within the minute").isEqualTo(1);

        requestAfter(2 * SECOND);
        assertThat(warnings(output)).as("a minute later").isEqualTo(2);
    }

    @Test
    void warnsWhenRequestsWereRejectedSinceTheLastCheck(CapturedOutput output) throws Exception {
        current = stats(0, 2);
        requestAfter(0);
        assertThat(warnings(output)).isEqualTo(1);
        assertThat(output.getOut()).contains("2 rejected with 503 since the last check (2 since start)");
    }

    @Test
    void readsTheStatsAtMostOnceASecond() throws Exception {
        requestAfter(0);
        requestAfter(SECOND / 2);
        requestAfter(SECOND / 4);
        assertThat(reads).hasValue(1);
        requestAfter(SECOND / 4);
        assertThat(reads).hasValue(2);
    }

    @Test
    void aSaturatedServerLogsTheWarning(CapturedOutput output) throws Exception {
        TestApp.reset();
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        try (ConfigurableApplicationContext context = new SpringApplication(TestApp.class)
                .run("--server.port=0", "--minihttp.threads=1", "--minihttp.queue-capacity=1")) {
            MiniHttpWebServer server = (MiniHttpWebServer) ((WebServerApplicationContext) context).getWebServer();
            int port = server.getPort();
            try {
                held.add(Http.getAsync(port, "/block"));
                assertThat(TestApp.entered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
                held.add(Http.getAsync(port, "/block?queued"));
                Http.await(() -> server.stats().queueSize() == 1);
                assertThat(Http.get(port, "/hello").statusCode()).isEqualTo(503);
            } finally {
                TestApp.release.countDown();
                held.forEach(CompletableFuture::join);
            }
            // The check runs on a request passing by, at most once a second: keep a few coming.
            Http.await(() -> {
                try {
                    Http.get(port, "/hello");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return output.getOut().contains(WARNING);
            });
            assertThat(warnings(output)).isEqualTo(1);
            assertThat(output.getOut()).contains("(1 since start)").contains("minihttp.threads")
                    .contains("minihttp.queue-capacity");
        }
    }
}
