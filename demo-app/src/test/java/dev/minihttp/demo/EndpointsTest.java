package dev.minihttp.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Each demo endpoint through a real socket, on minihttp (no Tomcat on the class path). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.server.port=0")
class EndpointsTest {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Test
    void helloIsPlaintext() throws Exception {
        HttpResponse<String> response = Http.get(port, "/hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).isEqualTo("Hello, World!");
    }

    @Test
    void jsonIsAGreeting() throws Exception {
        HttpResponse<String> response = Http.get(port, "/json");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(Http.json(response).get("message").asString()).isEqualTo("Hello, World!");
    }

    @Test
    void slowRunsOnAWorkerAndClampsItsDelay() throws Exception {
        JsonNode slept = Http.json(Http.get(port, "/slow?ms=20"));
        assertThat(slept.get("sleptMs").asInt()).isEqualTo(20);
        assertThat(slept.get("thread").asString()).startsWith("minihttp-worker-");

        assertThat(Http.json(Http.get(port, "/slow?ms=-5")).get("sleptMs").asInt()).isZero();
    }

    @Test
    void failAnswersSpringsErrorJsonAndIsCountedAgainstTheWorkerThread() throws Exception {
        HttpResponse<String> response = Http.get(port, "/fail");
        assertThat(response.statusCode()).isEqualTo(500);
        JsonNode error = Http.json(response);
        assertThat(error.get("status").asInt()).isEqualTo(500);
        assertThat(error.get("path").asString()).isEqualTo("/fail");

        HttpResponse<String> metric = Http.get(managementPort,
                "/actuator/metrics/minihttp.worker.exceptions?tag=exception:java.lang.IllegalStateException");
        assertThat(metric.statusCode()).as(metric.body()).isEqualTo(200);
        JsonNode measurement = Http.json(metric).get("measurements").get(0);
        assertThat(measurement.get("value").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(metric.body()).contains("\"tag\":\"thread\"").contains("minihttp-worker-");
    }

    @Test
    void uploadReportsSizeAndSha256OfALargePart() throws Exception {
        byte[] content = new byte[300_000]; // above the 64 KiB in-memory threshold: spooled to a temp file
        new Random(42).nextBytes(content);
        String boundary = "demo-boundary-7f3a";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"random.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        HttpResponse<String> response = Http.CLIENT.send(Http.request(port, "/upload")
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode result = Http.json(response);
        assertThat(result.get("filename").asString()).isEqualTo("random.bin");
        assertThat(result.get("size").asLong()).isEqualTo(content.length);
        assertThat(result.get("sha256").asString())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    }

    @Test
    void sseSendsEveryEventThenEnds() throws Exception {
        HttpResponse<InputStream> response = Http.CLIENT.send(Http.request(port, "/sse?count=3&intervalMs=50")
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));

        List<String> ids = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) { // ends when the server completes the stream
                if (line.startsWith("id:")) {
                    ids.add(line.substring(3).trim());
                } else if (line.startsWith("data:")) {
                    data.add(Http.JSON.readTree(line.substring(5)));
                } else if (line.startsWith("event:")) {
                    assertThat(line.substring(6).trim()).isEqualTo("tick");
                }
            }
        }
        assertThat(ids).containsExactly("1", "2", "3");
        assertThat(data).extracting(node -> node.get("n").asInt()).containsExactly(1, 2, 3);
        assertThat(data).allSatisfy(node -> assertThat(node.get("of").asInt()).isEqualTo(3));
    }

    @Test
    void loadRunsBoundedAgainstTheAppItself() throws Exception {
        HttpResponse<String> started = Http.post(port, "/load?seconds=1&concurrency=2&ms=10&failPercent=0");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        JsonNode plan = Http.json(started).get("plan");
        assertThat(plan.get("concurrency").asInt()).isEqualTo(2);
        assertThat(plan.get("ms").asInt()).isEqualTo(10);

        JsonNode status = Http.json(Http.get(port, "/load"));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (status.get("running").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = Http.json(Http.get(port, "/load"));
        }
        assertThat(status.get("running").asBoolean()).isFalse();
        assertThat(status.get("ok").asLong()).isPositive();
    }

    @Test
    void dashboardPageAndItsConfigAreServed() throws Exception {
        HttpResponse<String> page = Http.get(port, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"chart-threads\"").contains("dashboard.js");
        assertThat(Http.get(port, "/dashboard.js").statusCode()).isEqualTo(200);

        JsonNode config = Http.json(Http.get(port, "/dashboard/config"));
        assertThat(config.get("managementPort").asInt()).isEqualTo(managementPort);
        assertThat(config.get("actuatorPath").asString()).isEqualTo("/actuator");
    }

    @Test
    void actuatorAnswersThePageFromTheApplicationsOrigin() throws Exception {
        HttpResponse<String> response = Http.CLIENT.send(Http.request(managementPort, "/actuator/minihttp")
                .header("Origin", "http://localhost:" + port).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:" + port);
        assertThat(Http.json(response).get("config").get("threads").asInt()).isEqualTo(8);
    }

    @Test
    void exposedActuatorEndpoints() throws Exception {
        assertThat(Http.get(managementPort, "/actuator/health").body()).contains("\"minihttp\"");
        assertThat(Http.get(managementPort, "/actuator/metrics/minihttp.threads.config.max").statusCode())
                .isEqualTo(200);
        HttpResponse<String> prometheus = Http.get(managementPort, "/actuator/prometheus");
        assertThat(prometheus.statusCode()).isEqualTo(200);
        assertThat(prometheus.body()).contains("minihttp_threads_busy").contains("minihttp_queue_size");
        assertThat(Http.get(managementPort, "/actuator/env").statusCode()).isEqualTo(404);
    }
}
