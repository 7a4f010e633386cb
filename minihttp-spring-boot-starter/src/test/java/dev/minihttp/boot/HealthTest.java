package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code minihttp} health contributor goes DOWN only for what a load balancer should act on:
 * an {@code Error} in a worker, or a server that is not running. Each test has an application of
 * its own, read through actuator on its management port (a minihttp server of its own).
 */
class HealthTest {

    private static ConfigurableApplicationContext run() {
        return new SpringApplication(TestApp.class).run("--server.port=0", "--management.server.port=0",
                "--management.endpoints.web.exposure.include=health,minihttp",
                "--management.endpoint.health.show-details=always");
    }

    private static int managementPort(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
    }

    @Test
    void downWithDetailsAfterAnErrorInAWorker() throws Exception {
        try (ConfigurableApplicationContext context = run()) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            int management = managementPort(context);
            assertThat(Http.get(management, "/actuator/health/minihttp").body()).contains("\"status\":\"UP\"");
            assertThat(Http.get(port, "/boom").statusCode()).as("an exception is not an Error").isEqualTo(500);
            assertThat(Http.get(management, "/actuator/health/minihttp").body()).contains("\"status\":\"UP\"");

            HttpResponse<String> overflow = Http.get(port, "/overflow", "Accept", "application/json");
            assertThat(overflow.statusCode()).isEqualTo(500);
            assertThat(overflow.body()).contains("\"status\":500");

            HttpResponse<String> health = Http.get(management, "/actuator/health/minihttp");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("\"errors\":1")
                    .containsPattern("\"lastError\":\"minihttp-worker-\\d+: java.lang.StackOverflowError: deep\"");
            assertThat(Http.get(management, "/actuator/minihttp").body())
                    .contains("\"exception\":\"java.lang.StackOverflowError\",\"count\":1")
                    .contains("\"errors\":1");
            assertThat(Http.get(port, "/hello").body()).as("the server goes on serving").isEqualTo("hello");
        }
    }

    @Test
    void downWhenTheServerIsNotRunning() throws Exception {
        try (ConfigurableApplicationContext context = run()) {
            int management = managementPort(context);
            assertThat(Http.get(management, "/actuator/health/minihttp").body()).contains("\"status\":\"UP\"");

            ((WebServerApplicationContext) context).getWebServer().stop();

            HttpResponse<String> health = Http.get(management, "/actuator/health/minihttp");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"status\":\"DOWN\"").contains("\"reason\":\"not running\"");
        }
    }
}
