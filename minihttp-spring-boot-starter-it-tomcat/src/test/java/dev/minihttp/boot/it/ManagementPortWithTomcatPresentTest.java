package dev.minihttp.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.boot.MiniHttpWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * management.server.port with Tomcat still on the classpath: Tomcat's module declares its
 * child-context factory unconditionally, ours is primary, so actuator's own server is minihttp.
 *
 * <p>Jetty's management auto-configuration is excluded here because Tomcat's and Jetty's declare a
 * bean of the same name ({@code servletWebChildContextFactory}): with both servers present and a
 * separate management port, Boot 4.1 itself fails to start, minihttp or not.
 */
@SpringBootTest(classes = ItApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.server.port=0", "management.endpoints.web.exposure.include=health,minihttp",
        "spring.autoconfigure.exclude="
                + "org.springframework.boot.jetty.autoconfigure.actuate.web.server.JettyServletManagementContextAutoConfiguration"})
class ManagementPortWithTomcatPresentTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void actuatorGetsAMiniHttpServerOfItsOwn() throws Exception {
        assertThat(managementPort).isNotEqualTo(port);
        assertThat(ItApp.servers.get("management")).isInstanceOf(MiniHttpWebServer.class);
        assertThat(ItApp.servers.get("management").getPort()).isEqualTo(managementPort);

        assertThat(get(managementPort, "/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get(managementPort, "/actuator/minihttp").body()).contains("\"running\":true");
        assertThat(get(port, "/hello").body()).matches("hello from minihttp-worker-\\d+");
    }
}
