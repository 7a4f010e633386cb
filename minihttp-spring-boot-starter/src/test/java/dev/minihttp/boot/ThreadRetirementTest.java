package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * minihttp.min-threads and minihttp.thread-idle-timeout reach the pool: after a burst the idle
 * workers retire, and minihttp.threads.current shows them going.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "minihttp.threads=4", "minihttp.min-threads=1", "minihttp.thread-idle-timeout=200ms",
        "management.server.port=0", "management.endpoints.web.exposure.include=metrics"})
class ThreadRetirementTest {

    private static final Pattern VALUE = Pattern.compile("\"value\":([0-9.E]+)");

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private final List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();

    @BeforeEach
    void reset() {
        TestApp.reset();
    }

    @AfterEach
    void release() {
        TestApp.release.countDown();
        held.forEach(CompletableFuture::join);
    }

    private double threadsCurrent() {
        try {
            HttpResponse<String> response = Http.get(managementPort, "/actuator/metrics/minihttp.threads.current");
            Matcher matcher = VALUE.matcher(response.body());
            return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void idleWorkersRetireAndTheGaugeShowsIt() throws Exception {
        for (int i = 0; i < 4; i++) {
            held.add(Http.getAsync(port, "/block"));
        }
        assertThat(TestApp.entered.tryAcquire(4, 20, TimeUnit.SECONDS)).isTrue();
        assertThat(threadsCurrent()).isEqualTo(4.0);

        TestApp.release.countDown();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.join().statusCode()).isEqualTo(200);
        }
        Http.await(() -> threadsCurrent() == 1.0);
        assertThat(threadsCurrent()).as("down to minihttp.min-threads").isEqualTo(1.0);
        assertThat(Http.get(port, "/hello").body()).isEqualTo("hello");
    }
}
