package dev.minihttp.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.boot.MiniHttpServletWebServerFactory;
import dev.minihttp.boot.MiniHttpWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;

/**
 * A user added the starter but left {@code spring-boot-starter-tomcat} (and even Jetty) on the
 * classpath: minihttp's auto-configuration is ordered first, so the other servers' factories back
 * off and minihttp serves the application. ({@link ManagementPortWithTomcatPresentTest} does the
 * same for actuator on its own port.)
 */
@SpringBootTest(classes = ItApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "management.endpoints.web.exposure.include=health,minihttp")
class TomcatAndJettyPresentTest {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    @Autowired
    ServletWebServerFactory factory;

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bothOtherServersAreOnTheClasspath() throws Exception {
        assertThat(Class.forName("org.apache.catalina.startup.Tomcat")).isNotNull();
        assertThat(Class.forName("org.eclipse.jetty.server.Server")).isNotNull();
    }

    @Test
    void minihttpServesTheApplication() throws Exception {
        assertThat(factory).isInstanceOf(MiniHttpServletWebServerFactory.class);
        assertThat(context.getWebServer()).isInstanceOf(MiniHttpWebServer.class);
        assertThat(context.getWebServer().getPort()).isEqualTo(port);

        HttpResponse<String> response = get(port, "/hello");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).matches("hello from minihttp-worker-\\d+");
    }

    @Test
    void actuatorRunsOnTheSameMiniHttpServer() throws Exception {
        assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(200);
        assertThat(get(port, "/actuator/minihttp").body()).contains("\"running\":true");
    }
}
