package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The app's controllers on minihttp, Tomcat absent; errors through BasicErrorController; access
 * log; server.servlet.* settings, CookieSameSiteSupplier beans and @WebListener classes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"minihttp.access-log.enabled=true", "server.server-header=minihttp-test",
                "server.servlet.application-display-name=shop", "server.servlet.session.timeout=5m",
                "server.servlet.session.cookie.name=SID", "server.servlet.session.cookie.same-site=strict",
                "server.mime-mappings.foo=application/x-foo", "server.forward-headers-strategy=native",
                "server.servlet.context-parameters.greeting=hi", "server.max-http-request-header-size=4KB"})
@ExtendWith(OutputCaptureExtension.class)
class ServingTest {

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void servesTheControllersOnMiniHttpWithoutTomcat() throws Exception {
        assertThatThrownBy(() -> Class.forName("org.apache.catalina.startup.Tomcat"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(context.getWebServer()).isInstanceOf(MiniHttpWebServer.class);
        assertThat(port).isPositive().isEqualTo(context.getWebServer().getPort());

        HttpResponse<String> response = Http.get(port, "/hello");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hello");
        assertThat(response.headers().firstValue("Server")).hasValue("minihttp-test");
        assertThat(((MiniHttpWebServer) context.getWebServer()).getContainer().context().getServletContextName())
                .isEqualTo("shop");
    }

    @Test
    void answersA404WithBootsJsonError() throws Exception {
        HttpResponse<String> response = Http.get(port, "/nope", "Accept", "application/json");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body()).contains("\"status\":404").contains("\"path\":\"/nope\"");
    }

    @Test
    void answersAControllerExceptionWithBootsJsonError(CapturedOutput output) throws Exception {
        HttpResponse<String> response = Http.get(port, "/boom", "Accept", "application/json");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("\"status\":500").contains("\"error\":\"Internal Server Error\"")
                .contains("\"path\":\"/boom\"");
        // The ERROR line itself (not only the stack trace under it) names what was counted, with its message.
        Http.await(() -> output.getOut().contains("GET /boom] failed"));
        String headline = output.getOut().lines().filter(line -> line.contains("GET /boom] failed"))
                .findFirst().orElseThrow();
        assertThat(headline).contains("ERROR").contains("java.lang.IllegalStateException: boom");
    }

    @Test
    void showsBrowsersTheWhitelabelPage() throws Exception {
        HttpResponse<String> response = Http.get(port, "/nope", "Accept", "text/html");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("Whitelabel Error Page");
    }

    @Test
    void writesTheAccessLogInCombinedFormatWithQueueAndWorkerTime(CapturedOutput output) throws Exception {
        Http.get(port, "/hello?x=1", "User-Agent", "access-log-test", "Referer", "http://example.com/");

        Http.await(() -> output.getOut().contains("access-log-test"));
        assertThat(output.getOut()).containsPattern(
                "127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /hello\\?x=1 HTTP/1\\.1\" 200 5 \"http://example.com/\" "
                        + "\"access-log-test\" queue=\\d+\\.\\dms worker=\\d+\\.\\dms");
    }

    @Test
    void appliesSessionSettingsIncludingSameSite() throws Exception {
        HttpResponse<String> response = Http.get(port, "/session");

        assertThat(response.body()).isEqualTo("300");
        assertThat(response.headers().firstValue("Set-Cookie")).hasValueSatisfying(cookie ->
                assertThat(cookie).startsWith("SID=").containsIgnoringCase("SameSite=Strict").contains("HttpOnly"));
    }

    @Test
    void appliesMimeMappingsAndNativeForwardedHeaders() throws Exception {
        assertThat(Http.get(port, "/whoami").body()).isEqualTo("http 127.0.0.1 application/x-foo");
        assertThat(Http.get(port, "/whoami", "X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.7").body())
                .isEqualTo("https 203.0.113.7 application/x-foo");
    }

    /** A CookieSameSiteSupplier bean applies to every cookie the app sets, not only the session cookie. */
    @Test
    void appliesCookieSameSiteSupplierBeansToTheAppsCookies() throws Exception {
        HttpResponse<String> response = Http.get(port, "/cookies");

        assertThat(response.headers().allValues("Set-Cookie")).containsExactlyInAnyOrder(
                "theme=dark; SameSite=Lax", "plain=1");
    }

    @Test
    void appliesContextParametersAndRunsWebListenersFoundByServletComponentScan() throws Exception {
        assertThat(Http.get(port, "/context").body()).isEqualTo("hi web-listener-ran");
    }

    @Test
    void appliesMaxHttpRequestHeaderSize() throws Exception {
        assertThat(Http.get(port, "/hello", "X-Filler", "a".repeat(3000)).statusCode()).isEqualTo(200);
        assertThat(Http.get(port, "/hello", "X-Filler", "a".repeat(5000)).statusCode()).isEqualTo(431);
    }
}
