package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.sessionapp.SessionApp;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;

/**
 * A client that keeps no cookies still keeps its session, through {@code ;jsessionid=} URLs,
 * with the default tracking modes (cookie and URL, as on Tomcat); server.servlet.session.tracking-modes
 * narrows them.
 */
class UrlSessionTrackingBootTest {

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplication(SessionApp.class).run(args);
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** GET /greet, then follows the Location as a browser without cookies would; returns the final body. */
    private static String greetAndFollow(int port) throws Exception {
        HttpResponse<String> redirect = Http.get(port, "/greet?name=ada");
        assertThat(redirect.statusCode()).isEqualTo(302);
        URI location = URI.create("http://localhost:" + port + "/greet").resolve(
                redirect.headers().firstValue("Location").orElseThrow());
        return Http.get(port, location.getRawPath() + (location.getRawQuery() == null ? "" : "?" + location.getRawQuery()))
                .body();
    }

    @Test
    void flashAttributesSurviveARedirectForAClientWithoutCookies() throws Exception {
        try (ConfigurableApplicationContext context = run("--server.port=0")) {
            int port = port(context);
            HttpResponse<String> redirect = Http.get(port, "/greet?name=ada");
            String location = redirect.headers().firstValue("Location").orElseThrow();
            String cookie = redirect.headers().firstValue("Set-Cookie").orElseThrow();
            String id = cookie.substring("JSESSIONID=".length(), cookie.indexOf(';'));
            assertThat(location).endsWith("/greeted;jsessionid=" + id);

            assertThat(greetAndFollow(port)).isEqualTo("hello ada fromUrl=true");
        }
    }

    @Test
    void cookieOnlyTrackingLosesTheFlashAttributeOfAClientWithoutCookies() throws Exception {
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.servlet.session.tracking-modes=cookie")) {
            int port = port(context);
            assertThat(Http.get(port, "/greet?name=ada").headers().firstValue("Location").orElseThrow())
                    .doesNotContain("jsessionid");
            assertThat(greetAndFollow(port)).isEqualTo("null fromUrl=false");
        }
    }

    @Test
    void urlOnlyTrackingSetsNoCookie() throws Exception {
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.servlet.session.tracking-modes=url")) {
            int port = port(context);
            HttpResponse<String> redirect = Http.get(port, "/greet?name=ada");
            assertThat(redirect.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(redirect.headers().firstValue("Location").orElseThrow()).contains("/greeted;jsessionid=");
            assertThat(greetAndFollow(port)).isEqualTo("hello ada fromUrl=true");
        }
    }

    @Test
    void theParameterFollowsTheConfiguredCookieName() throws Exception {
        try (ConfigurableApplicationContext context = run("--server.port=0",
                "--server.servlet.session.cookie.name=SHOPID")) {
            assertThat(Http.get(port(context), "/greet?name=ada").headers().firstValue("Location").orElseThrow())
                    .contains("/greeted;SHOPID=");
            assertThat(greetAndFollow(port(context))).isEqualTo("hello ada fromUrl=true");
        }
    }

    @Test
    void sslTrackingWithoutTlsFailsStartupNamingTheProperty() {
        // With server.ssl it is accepted: HttpsTest.sslSessionTrackingUsesTheTlsSessionId.
        assertThatThrownBy(() -> run("--server.port=0", "--server.servlet.session.tracking-modes=ssl"))
                .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e))
                        .isInstanceOf(org.springframework.boot.web.server.WebServerException.class)
                        .hasMessageContaining("server.servlet.session.tracking-modes")
                        .hasMessageContaining("server.ssl"));
    }
}
