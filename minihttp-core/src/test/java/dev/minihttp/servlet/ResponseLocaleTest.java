package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ServletResponse.setLocale} and the container's locale-to-charset mappings: the mapped
 * encoding applies unless one was set explicitly or the writer is in use, and wins over the
 * context's response character encoding (as on Tomcat).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class ResponseLocaleTest {

    static ServletTestServer server;

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer()
                .addLocaleCharsetMapping(Locale.GERMAN, StandardCharsets.ISO_8859_1)
                .addLocaleCharsetMapping(Locale.forLanguageTag("de-AT"), StandardCharsets.UTF_16BE);
        container.addInitializer((classes, context) -> {
            context.setResponseCharacterEncoding("UTF-8");
            context.addServlet("greet", new LambdaServlet((req, res) -> {
                Locale locale = Locale.forLanguageTag(req.getParameter("lang"));
                res.setContentType("text/plain");
                switch (req.getParameter("case")) {
                    case "locale" -> res.setLocale(locale);
                    case "encodingFirst" -> {
                        res.setCharacterEncoding("UTF-8");
                        res.setLocale(locale);
                    }
                    case "contentTypeCharsetFirst" -> {
                        res.setContentType("text/plain;charset=UTF-8");
                        res.setLocale(locale);
                    }
                    case "encodingAfter" -> {
                        res.setLocale(locale);
                        res.setCharacterEncoding("UTF-8");
                    }
                    case "writerFirst" -> {
                        res.getWriter();
                        res.setLocale(locale);
                    }
                    case "cleared" -> {
                        res.setLocale(locale);
                        res.setLocale(null);
                    }
                    default -> throw new IllegalArgumentException(req.getParameter("case"));
                }
                res.getWriter().print("Grüße");
            })).addMapping("/greet");
        });
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<byte[]> greet(String which, String lang) throws Exception {
        return server.client.send(server.request("/greet?case=" + which + "&lang=" + lang).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertEncodedIn(HttpResponse<byte[]> response, String charset) {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain;charset=" + charset);
        assertThat(response.body()).isEqualTo("Grüße".getBytes(java.nio.charset.Charset.forName(charset)));
    }

    @Test
    void mappedLocaleSetsTheEncodingOverTheContextDefault() throws Exception {
        HttpResponse<byte[]> response = greet("locale", "de");
        assertEncodedIn(response, "ISO-8859-1");
        assertThat(response.headers().firstValue("Content-Language")).hasValue("de");
    }

    @Test
    void aCountryFallsBackToItsLanguageUnlessMappedItself() throws Exception {
        assertEncodedIn(greet("locale", "de-CH"), "ISO-8859-1");
        assertEncodedIn(greet("locale", "de-AT"), "UTF-16BE");
    }

    @Test
    void unmappedLocaleLeavesTheEncodingAlone() throws Exception {
        HttpResponse<byte[]> response = greet("locale", "fr");
        assertEncodedIn(response, "UTF-8");
        assertThat(response.headers().firstValue("Content-Language")).hasValue("fr");
    }

    @Test
    void explicitEncodingWinsWhicheverWayItWasSetAndWhenever() throws Exception {
        assertEncodedIn(greet("encodingFirst", "de"), "UTF-8");
        assertEncodedIn(greet("contentTypeCharsetFirst", "de"), "UTF-8");
        assertEncodedIn(greet("encodingAfter", "de"), "UTF-8");
    }

    @Test
    void afterGetWriterOnlyTheLanguageChanges() throws Exception {
        HttpResponse<byte[]> response = greet("writerFirst", "de");
        assertEncodedIn(response, "UTF-8");
        assertThat(response.headers().firstValue("Content-Language")).hasValue("de");
    }

    @Test
    void nullClearsTheLocaleAndTheEncodingItSet() throws Exception {
        HttpResponse<byte[]> response = greet("cleared", "de");
        assertEncodedIn(response, "UTF-8");
        assertThat(response.headers().firstValue("Content-Language")).isEmpty();
    }
}
