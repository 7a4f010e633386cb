package dev.minihttp.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real HTTP/1.1 client (the JDK's) talking to the running app over loopback. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static final JsonMapper JSON = JsonMapper.builder().build();

    private Http() {
    }

    static HttpRequest.Builder request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(request(port, path).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(int port, String path) throws Exception {
        return CLIENT.send(request(port, path).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    /** The "snapshot" part of /actuator/minihttp: what the server reports right now. */
    static JsonNode serverSnapshot(int managementPort) throws Exception {
        return json(get(managementPort, "/actuator/minihttp")).get("snapshot");
    }
}
