package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Servlet spec's mapping rules and path getters, per kind of match, in a context at "/app". */
@LeakChecked
class ServletMappingTest {

    static ServletTestServer server;

    /** Prints what the request reports about its mapping, one "name=value" per line. */
    static final class PathEcho extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpServletMapping mapping = request.getHttpServletMapping();
            response.setContentType("text/plain;charset=UTF-8");
            response.getWriter().print("servlet=" + getServletName()
                    + "\ncontextPath=" + request.getContextPath()
                    + "\nservletPath=" + request.getServletPath()
                    + "\npathInfo=" + request.getPathInfo()
                    + "\nrequestURI=" + request.getRequestURI()
                    + "\nquery=" + request.getQueryString()
                    + "\nmatch=" + mapping.getMappingMatch()
                    + "\npattern=" + mapping.getPattern()
                    + "\nmatchValue=" + mapping.getMatchValue()
                    + "\n");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer("/app");
        container.addInitializer((classes, context) -> {
            context.addServlet("root", new PathEcho()).addMapping("");
            context.addServlet("exact", new PathEcho()).addMapping("/exact", "/prefix/exact");
            context.addServlet("prefix", new PathEcho()).addMapping("/prefix/*");
            context.addServlet("deeper", new PathEcho()).addMapping("/prefix/deeper/*");
            context.addServlet("extension", new PathEcho()).addMapping("*.ext");
            context.addServlet("default", new PathEcho()).addMapping("/");
        });
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String body(String path) throws Exception {
        HttpResponse<String> response = server.get(path);
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void contextRootMatchesOnlyTheRoot() throws Exception {
        assertThat(body("/app/")).contains("servlet=root", "contextPath=/app", "servletPath=\n", "pathInfo=/\n",
                "requestURI=/app/\n", "match=CONTEXT_ROOT", "pattern=\n", "matchValue=\n");
    }

    @Test
    void exactMatchWinsOverPrefix() throws Exception {
        assertThat(body("/app/exact?x=1")).contains("servlet=exact", "servletPath=/exact\n", "pathInfo=null",
                "query=x=1", "match=EXACT", "pattern=/exact\n", "matchValue=exact\n");
        assertThat(body("/app/prefix/exact")).contains("servlet=exact", "servletPath=/prefix/exact", "match=EXACT");
    }

    @Test
    void longestPrefixWins() throws Exception {
        assertThat(body("/app/prefix/a/b")).contains("servlet=prefix", "servletPath=/prefix\n", "pathInfo=/a/b\n",
                "match=PATH", "pattern=/prefix/*", "matchValue=a/b\n");
        assertThat(body("/app/prefix/deeper/x")).contains("servlet=deeper", "servletPath=/prefix/deeper\n",
                "pathInfo=/x\n", "matchValue=x\n");
        assertThat(body("/app/prefix")).contains("servlet=prefix", "servletPath=/prefix\n", "pathInfo=null",
                "matchValue=\n");
    }

    @Test
    void prefixBeatsExtension() throws Exception {
        assertThat(body("/app/prefix/file.ext")).contains("servlet=prefix", "pathInfo=/file.ext");
    }

    @Test
    void extensionMatchesTheLastSegment() throws Exception {
        assertThat(body("/app/dir/file.ext")).contains("servlet=extension", "servletPath=/dir/file.ext\n",
                "pathInfo=null", "match=EXTENSION", "pattern=*.ext", "matchValue=dir/file\n");
        assertThat(body("/app/dir.ext/file")).contains("servlet=default");
    }

    @Test
    void defaultServletTakesTheRest() throws Exception {
        assertThat(body("/app/other/thing")).contains("servlet=default", "servletPath=/other/thing\n",
                "pathInfo=null", "match=DEFAULT", "pattern=/\n", "matchValue=\n");
    }

    @Test
    void pathIsDecodedAndNormalisedButTheUriStaysRaw() throws Exception {
        assertThat(body("/app/prefix/a%20b/../c")).contains("servlet=prefix", "pathInfo=/c\n",
                "requestURI=/app/prefix/a%20b/../c\n");
        assertThat(body("/app/prefix/caf%C3%A9")).contains("pathInfo=/café\n", "requestURI=/app/prefix/caf%C3%A9\n");
    }

    @Test
    void badPathsAreRejectedByTheContainer() throws Exception {
        String response = server.raw("GET /app/prefix/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400");
        response = server.raw("GET /app/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 400");
    }

    @Test
    void outsideTheContextPathIsNotFound() throws Exception {
        String response = server.raw("GET /elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 404").contains("text/plain").doesNotContain("Exception");
    }
}
