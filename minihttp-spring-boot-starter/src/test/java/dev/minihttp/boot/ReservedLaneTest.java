package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Actuator on the main port, as Boot has it by default: with every worker busy and the queue
 * full, the health endpoint and its probe groups still answer 200 on the reserved lane, the
 * application's paths get 503, and the lane is metered apart from the pool.
 */
class ReservedLaneTest {

    private final List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

    @BeforeEach
    void reset() {
        TestApp.reset();
    }

    /** Held requests end before their application closes. */
    @AfterEach
    void release() {
        TestApp.release.countDown();
        held.forEach(CompletableFuture::join);
        contexts.forEach(ConfigurableApplicationContext::close);
    }

    private ConfigurableApplicationContext run(String... extra) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--minihttp.threads=2",
                "--minihttp.queue-capacity=1", "--management.endpoints.web.exposure.include=health,minihttp,metrics",
                "--management.endpoint.health.probes.enabled=true"));
        args.addAll(List.of(extra));
        ConfigurableApplicationContext context = new SpringApplication(TestApp.class).run(args.toArray(String[]::new));
        contexts.add(context);
        return context;
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** Two requests hold both workers, a third waits in the queue of one: the next app request gets 503. */
    private void saturate(ConfigurableApplicationContext context, String contextPath) throws Exception {
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        for (int i = 0; i < 2; i++) {
            held.add(Http.getAsync(port(context), contextPath + "/block"));
        }
        assertThat(TestApp.entered.tryAcquire(2, 20, TimeUnit.SECONDS)).isTrue();
        held.add(Http.getAsync(port(context), contextPath + "/block?queued"));
        Http.await(() -> registry.get("minihttp.queue.size").gauge().value() == 1.0);
        assertThat(registry.get("minihttp.queue.size").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void healthAndItsProbeGroupsAnswerWhileThePoolAndQueueAreFull() throws Exception {
        ConfigurableApplicationContext context = run();
        int port = port(context);
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        saturate(context, "");

        for (String probe : List.of("/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness")) {
            HttpResponse<String> response = Http.get(port, probe);
            assertThat(response.statusCode()).as(probe).isEqualTo(200);
            assertThat(response.body()).as(probe).contains("\"status\":\"UP\"");
        }
        HttpResponse<String> app = Http.get(port, "/hello");
        assertThat(app.statusCode()).isEqualTo(503);
        assertThat(app.headers().firstValue("Retry-After")).isPresent();
        // Not on the lane: only health is, by default.
        assertThat(Http.get(port, "/actuator/minihttp").statusCode()).isEqualTo(503);

        assertThat(registry.get("minihttp.threads.busy").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("minihttp.lane.threads.config.max").gauge().value()).isEqualTo(2.0);
        assertThat(registry.get("minihttp.lane.queue.capacity").gauge().value()).isEqualTo(10.0);
        assertThat(registry.get("minihttp.lane.threads.current").gauge().value()).isGreaterThanOrEqualTo(1.0);
        assertThat(registry.get("minihttp.lane.queue.wait").functionTimer().count()).isEqualTo(3.0);
        assertThat(registry.get("minihttp.requests.rejected").tag("reason", "queue_full").functionCounter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("minihttp.lane.requests.rejected").tag("reason", "queue_full").functionCounter()
                .count()).isZero();

        TestApp.release.countDown();
        for (CompletableFuture<HttpResponse<String>> response : held) {
            assertThat(response.join().statusCode()).isEqualTo(200);
        }
        HttpResponse<String> endpoint = Http.get(port, "/actuator/minihttp");
        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(endpoint.body())
                .contains("\"reservedLane\":{\"enabled\":true,\"paths\":[\"/actuator/health\",\"/actuator/health/**\"],"
                        + "\"threadsMax\":2")
                .contains("\"requests\":3,\"rejected\":{}")
                .containsPattern("\"workers\":\\[\\{\"thread\":\"minihttp-lane-1\"");
    }

    /**
     * The defaults follow Boot's paths: the context path, the DispatcherServlet path, a moved
     * base path, and the /livez and /readyz additional paths.
     */
    @Test
    void theDefaultPathsFollowTheContextPathTheBasePathAndTheAdditionalProbePaths() throws Exception {
        ConfigurableApplicationContext context = run("--server.servlet.context-path=/shop",
                "--management.endpoints.web.base-path=/manage",
                "--management.endpoint.health.probes.add-additional-paths=true");
        int port = port(context);
        saturate(context, "/shop");
        for (String probe : List.of("/shop/manage/health", "/shop/manage/health/readiness", "/shop/livez", "/shop/readyz")) {
            assertThat(Http.get(port, probe).statusCode()).as(probe).isEqualTo(200);
        }
        assertThat(Http.get(port, "/shop/hello").statusCode()).isEqualTo(503);
    }

    /** On a management port of its own, health has a server of its own; only the additional paths stay on the main port. */
    @Test
    void withAManagementPortOnlyTheAdditionalPathsAreReservedOnTheMainPort() throws Exception {
        ConfigurableApplicationContext context = run("--management.server.port=0",
                "--management.endpoint.health.probes.add-additional-paths=true");
        int port = port(context);
        saturate(context, "");
        assertThat(Http.get(port, "/livez").statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/hello").statusCode()).isEqualTo(503);
        int management = context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
        assertThat(Http.get(management, "/actuator/minihttp").body())
                .contains("\"paths\":[\"/livez\",\"/livez/**\",\"/readyz\",\"/readyz/**\"]");
    }

    @Test
    void configuredPathsReplaceTheDefaults() throws Exception {
        ConfigurableApplicationContext context = run("--minihttp.reserved-lane.paths=/hello",
                "--minihttp.reserved-lane.threads=1");
        int port = port(context);
        saturate(context, "");
        HttpResponse<String> hello = Http.get(port, "/hello");
        assertThat(hello.statusCode()).isEqualTo(200);
        assertThat(hello.body()).isEqualTo("hello");
        assertThat(Http.get(port, "/actuator/health").statusCode()).isEqualTo(503);
        assertThat(context.getBean(MeterRegistry.class).get("minihttp.lane.threads.config.max").gauge().value())
                .isEqualTo(1.0);
    }
}
