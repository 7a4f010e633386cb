package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.MimeMappings;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What a Spring Boot app moved from Tomcat to minihttp saw differ (issue 11), checked against
 * what Tomcat 11 answers under Boot 4.1 in the same place.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.servlet.context-path=/ctx")
class TomcatParityTest {

    /** Probes of the servlet context and a form, beside TestApp's controllers. */
    @TestConfiguration
    @Import(TomcatParityTest.Probes.class)
    static class Config {

        /** An application that takes one mapping out of Boot's defaults. */
        @Bean
        WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> withoutCss() {
            return factory -> {
                // Copied by iterating: new MimeMappings(MimeMappings.DEFAULT) copies the lazily loaded
                // table before it is loaded, i.e. nothing (Boot 4.1.2; Tomcat would get it empty too).
                MimeMappings mappings = new MimeMappings();
                MimeMappings.DEFAULT.forEach(mapping -> mappings.add(mapping.getExtension(), mapping.getMimeType()));
                mappings.remove("css");
                factory.setMimeMappings(mappings);
            };
        }
    }

    @RestController
    static class Probes {

        @PostMapping("/form")
        String form(HttpServletRequest request) {
            return request.getParameter("lastName") + "|" + request.getParameter("q");
        }

        /** Every extension Boot maps by default, and five minihttp used to add: extension=type per line. */
        @GetMapping("/mime")
        String mime(HttpServletRequest request) {
            List<String> extensions = new ArrayList<>();
            MimeMappings.DEFAULT.forEach(mapping -> extensions.add(mapping.getExtension()));
            extensions.addAll(List.of("map", "md", "yaml", "yml", "webmanifest"));
            StringBuilder lines = new StringBuilder();
            for (String extension : extensions) {
                lines.append(extension).append('=').append(request.getServletContext().getMimeType("a." + extension))
                        .append('\n');
            }
            return lines.toString();
        }

        @GetMapping("/resource-root")
        String resourceRoot(HttpServletRequest request) throws Exception {
            return String.valueOf(request.getServletContext().getResource("/") != null)
                    + " " + request.getServletContext().getResource("/missing.txt");
        }

        @GetMapping("/dates")
        String dates(HttpServletResponse response) {
            response.setDateHeader("Expires", 1796288707000L); // Thu, 03 Dec 2026 09:05:07 GMT
            Cookie cookie = new Cookie("gone", "");
            cookie.setMaxAge(0);
            response.addCookie(cookie);
            return "dates";
        }
    }

    @LocalServerPort
    int port;

    @Test
    void aUtf8FormBodyIsReadAsUtf8() throws Exception {
        HttpResponse<String> response = Http.CLIENT.send(HttpRequest.newBuilder(uri("/ctx/form?q=%C3%BC"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofByteArray("lastName=Müller".getBytes(StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.body()).isEqualTo("Müller|ü");
    }

    @Test
    void traceIsRefusedBeforeTheApplicationAndRenderedByBootsErrorPage() throws Exception {
        String response = raw("TRACE /ctx/hello HTTP/1.1\r\nHost: localhost\r\nX-Api-Key: secret\r\n"
                + "Accept: application/json\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 405").contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\n")
                .contains("\"status\":405").doesNotContain("secret").doesNotContain("message/http");
    }

    @Test
    void optionsAsteriskAnswersTheServersMethods() throws Exception {
        String response = raw("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\n");
    }

    @Test
    void theContextPathWithoutItsSlashRedirects() throws Exception {
        HttpResponse<String> response = Http.get(port, "/ctx?a=1");
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue("/ctx/?a=1");
    }

    @Test
    void datesAreImfFixdate() throws Exception {
        HttpResponse<String> response = Http.get(port, "/ctx/dates");
        assertThat(response.headers().firstValue("Expires")).hasValue("Thu, 03 Dec 2026 09:05:07 GMT");
        assertThat(response.headers().allValues("Set-Cookie"))
                .contains("gone=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT");
    }

    @Test
    void theResourceRootExistsWithoutADocumentRoot() throws Exception {
        assertThat(Http.get(port, "/ctx/resource-root").body()).isEqualTo("true null");
    }

    @Test
    void theMimeTableIsExactlyBootsMappings() throws Exception {
        StringBuilder expected = new StringBuilder();
        MimeMappings.DEFAULT.forEach(mapping -> expected.append(mapping.getExtension()).append('=')
                .append(mapping.getExtension().equals("css") ? null : mapping.getMimeType()).append('\n'));
        expected.append("map=null\nmd=null\nyaml=null\nyml=null\nwebmanifest=null\n");
        assertThat(Http.get(port, "/ctx/mime").body()).isEqualTo(expected.toString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** Bytes the JDK client cannot send (an asterisk-form target, TRACE with headers to echo). */
    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            in.transferTo(received);
            return received.toString(StandardCharsets.UTF_8);
        }
    }
}
