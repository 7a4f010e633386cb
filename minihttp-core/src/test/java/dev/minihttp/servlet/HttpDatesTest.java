package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every date the container writes is IMF-fixdate (RFC 9110 5.6.7: a two-digit day), and every
 * date it reads may be in any of the three formats a recipient must accept.
 */
class HttpDatesTest {

    /** Thursday 3 December 2026, 09:05:07 UTC: a day of one digit. */
    private static final Instant THIRD = Instant.parse("2026-12-03T09:05:07Z");
    private static final String THIRD_TEXT = "Thu, 03 Dec 2026 09:05:07 GMT";
    private static final String IMF_FIXDATE = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d GMT";

    @TempDir
    static Path root;
    static ServletTestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path file = Files.writeString(root.resolve("page.txt"), "content");
        Files.setLastModifiedTime(file, FileTime.from(THIRD));
        ServletContainer container = new ServletContainer().documentRoot(root).registerDefaultServlet(true);
        container.addInitializer((classes, context) -> {
            context.addServlet("dates", new LambdaServlet((req, res) -> {
                res.setDateHeader("Expires", THIRD.toEpochMilli());
                res.addDateHeader("X-Also", THIRD.toEpochMilli());
                res.setDateHeader("X-Never", Long.MAX_VALUE);
                Cookie day = new Cookie("day", "1");
                day.setMaxAge(3600);
                res.addCookie(day);
                Cookie gone = new Cookie("gone", "");
                gone.setMaxAge(0);
                res.addCookie(gone);
                Cookie session = new Cookie("session", "2");
                session.setMaxAge(-1);
                res.addCookie(session);
                res.getWriter().print("since=" + req.getDateHeader("If-Modified-Since"));
            })).addMapping("/dates");
        });
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void setAndAddDateHeaderWriteImfFixdate() throws Exception {
        var response = server.get("/dates");
        assertThat(response.headers().firstValue("Expires")).hasValue(THIRD_TEXT);
        assertThat(response.headers().firstValue("X-Also")).hasValue(THIRD_TEXT);
        assertThat(response.headers().firstValue("X-Never")).hasValue("Fri, 31 Dec 9999 23:59:59 GMT");
        assertThat(response.headers().firstValue("Date").orElseThrow()).matches(IMF_FIXDATE);
    }

    @Test
    void cookieExpiresIsImfFixdateAndASessionCookieHasNone() throws Exception {
        List<String> cookies = server.get("/dates").headers().allValues("Set-Cookie");
        assertThat(cookies).hasSize(3);
        assertThat(cookies.get(0)).matches("day=1; Max-Age=3600; Expires=" + IMF_FIXDATE);
        assertThat(cookies.get(1)).isEqualTo("gone=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:10 GMT");
        assertThat(cookies.get(2)).isEqualTo("session=2");
    }

    @Test
    void lastModifiedOfAStaticFileIsImfFixdate() throws Exception {
        var response = server.get("/page.txt");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Last-Modified")).hasValue(THIRD_TEXT);
    }

    @Test
    void getDateHeaderReadsAllThreeFormats() throws Exception {
        long expected = THIRD.toEpochMilli();
        for (String date : new String[] {THIRD_TEXT, "Thursday, 03-Dec-26 09:05:07 GMT", "Thu Dec  3 09:05:07 2026"}) {
            var response = server.send(server.request("/dates").header("If-Modified-Since", date).build());
            assertThat(response.body()).as(date).isEqualTo("since=" + expected);
        }
    }

    @Test
    void ifModifiedSinceInAnyFormatGivesNotModifiedAndAnInvalidOneIsIgnored() throws Exception {
        for (String date : new String[] {THIRD_TEXT, "Thu Dec  3 09:05:07 2026"}) {
            var response = server.send(server.request("/page.txt").header("If-Modified-Since", date).build());
            assertThat(response.statusCode()).as(date).isEqualTo(304);
        }
        var ignored = server.send(server.request("/page.txt").header("If-Modified-Since", "yesterday").build());
        assertThat(ignored.statusCode()).isEqualTo(200);
        assertThat(ignored.body()).isEqualTo("content");
    }
}
