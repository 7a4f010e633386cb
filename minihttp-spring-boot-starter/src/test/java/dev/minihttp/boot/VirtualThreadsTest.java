package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * spring.threads.virtual.enabled=true: requests run on virtual threads that keep the worker names,
 * and minihttp.threads stays the limit the metrics report. Skipped before JDK 21 (CI also runs
 * the tests on JDK 25).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.threads.virtual.enabled=true", "minihttp.threads=5",
        "management.endpoints.web.exposure.include=metrics,minihttp"})
class VirtualThreadsTest {

    @LocalServerPort
    int port;

    @BeforeAll
    static void needsVirtualThreads() {
        // Before the context loads: on JDK 17 there is nothing to start.
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21");
    }

    @Test
    void controllersRunOnNamedVirtualThreadsWithTheSameLimit() throws Exception {
        assertThat(Http.get(port, "/thread").body()).matches("minihttp-worker-\\d+ virtual");

        HttpResponse<String> max = Http.get(port, "/actuator/metrics/minihttp.threads.config.max");
        assertThat(max.statusCode()).as(max.body()).isEqualTo(200);
        assertThat(max.body()).contains("\"value\":5.0");
        assertThat(Http.get(port, "/actuator/minihttp").body()).contains("\"virtualThreads\":true")
                .contains("\"threads\":5");
    }
}
