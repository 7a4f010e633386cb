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
 * The pool's state as /actuator/metrics and /actuator/minihttp report it while requests are held
 * on a latch. Actuator runs on its own management port (its own minihttp server), so it answers
 * while every worker of the application's server is busy.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "minihttp.threads=7", "minihttp.queue-capacity=2",
        "management.server.port=0", "management.endpoints.web.exposure.include=*",
        "management.endpoint.health.show-details=always"})
class SaturationTest {

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

    private double metric(String nameAndTags) throws Exception {
        HttpResponse<String> response = Http.get(managementPort, "/actuator/metrics/" + nameAndTags);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher matcher = VALUE.matcher(response.body());
        assertThat(matcher.find()).as(response.body()).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private double metricOrMinusOne(String nameAndTags) {
        try {
            return metric(nameAndTags);
        } catch (Throwable e) {
            return -1;
        }
    }

    @Test
    void propertiesShowInTheMetrics() throws Exception {
        assertThat(metric("minihttp.threads.config.max")).isEqualTo(7.0);
        assertThat(metric("minihttp.queue.capacity")).isEqualTo(2.0);
        assertThat(metric("minihttp.connections.config.max")).isEqualTo(8192.0);
    }

    @Test
    void busyQueueRejectionsAndWorkersReadWhatIsHappening() throws Exception {
        for (int i = 0; i < 7; i++) {
            held.add(Http.getAsync(port, "/block"));
        }
        assertThat(TestApp.entered.tryAcquire(7, 20, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 2; i++) {
            held.add(Http.getAsync(port, "/block?queued=" + i));
        }
        Http.await(() -> metricOrMinusOne("minihttp.queue.size") == 2.0);

        assertThat(metric("minihttp.threads.busy")).isEqualTo(7.0);
        assertThat(metric("minihttp.queue.size")).isEqualTo(2.0);
        assertThat(metric("minihttp.threads.current")).isEqualTo(7.0);
        assertThat(metric("minihttp.connections.current")).as("one connection per held request, at least")
                .isGreaterThanOrEqualTo(9.0);

        HttpResponse<String> endpoint = Http.get(managementPort, "/actuator/minihttp");
        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(endpoint.body()).contains("\"state\":\"busy\"").contains("\"path\":\"/block\"")
                .contains("minihttp-worker-").doesNotContain("queued=");

        HttpResponse<String> health = Http.get(managementPort, "/actuator/health/minihttp");
        assertThat(health.body()).as("busy is not unhealthy").contains("\"status\":\"UP\"");

        HttpResponse<String> rejected = Http.get(port, "/hello");
        assertThat(rejected.statusCode()).isEqualTo(503);
        assertThat(rejected.headers().firstValue("Retry-After")).isPresent();
        assertThat(metric("minihttp.requests.rejected?tag=reason:queue_full")).isEqualTo(1.0);

        TestApp.release.countDown();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.join().statusCode()).isEqualTo(200);
        }
        assertThat(metric("minihttp.queue.wait")).isGreaterThanOrEqualTo(9.0); // the COUNT statistic comes first
    }

    /**
     * Counted once (the container reports it to the engine, nothing else counts it), by root
     * cause (Spring MVC wraps it in a ServletException), against the worker's thread.
     */
    @Test
    void controllerExceptionIsCountedOnceAgainstTheWorkerThread() throws Exception {
        assertThat(Http.get(port, "/boom").statusCode()).isEqualTo(500);

        HttpResponse<String> response = Http.get(managementPort,
                "/actuator/metrics/minihttp.worker.exceptions?tag=exception:java.lang.IllegalStateException");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).containsPattern("\"tag\":\"thread\",\"values\":\\[\"minihttp-worker-\\d+\"]");
        assertThat(metric("minihttp.worker.exceptions?tag=exception:java.lang.IllegalStateException")).isEqualTo(1.0);
        assertThat(Http.get(managementPort, "/actuator/metrics/minihttp.worker.exceptions?tag=exception:"
                + "jakarta.servlet.ServletException").statusCode()).as("not counted as the wrapper").isEqualTo(404);
        assertThat(Http.get(managementPort, "/actuator/minihttp").body()).containsPattern(
                "\\{\"thread\":\"minihttp-worker-\\d+\",\"exception\":\"java.lang.IllegalStateException\",\"count\":1}");
    }

    /** As on Tomcat: an exception the application answers itself (@ExceptionHandler) is not the server's to count. */
    @Test
    void exceptionHandledByTheApplicationIsNotCounted() throws Exception {
        HttpResponse<String> handled = Http.get(port, "/handled");
        assertThat(handled.statusCode()).isEqualTo(409);
        assertThat(handled.body()).isEqualTo("the app handled it");

        assertThat(Http.get(managementPort, "/actuator/metrics/minihttp.worker.exceptions?tag=exception:"
                + TestApp.HandledByTheAppException.class.getName()).statusCode()).isEqualTo(404);
        assertThat(Http.get(managementPort, "/actuator/minihttp").body()).doesNotContain("HandledByTheAppException");
    }
}
