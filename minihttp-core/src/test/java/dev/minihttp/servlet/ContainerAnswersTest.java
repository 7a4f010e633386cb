package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests the container answers itself, before any filter or servlet of the application, as
 * Tomcat does: a TRACE (refused unless allowed), {@code OPTIONS *}, and the context path without
 * its trailing slash.
 */
class ContainerAnswersTest {

    static final AtomicInteger filterRuns = new AtomicInteger();
    static final AtomicInteger listenerRuns = new AtomicInteger();
    static ServletTestServer traceOff;
    static ServletTestServer traceOn;

    /** Handles GET and POST only, like a typical application servlet. */
    static final class GetAndPostServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.getWriter().print("get " + req.getRequestURI() + " query=" + req.getQueryString());
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.getWriter().print("post");
        }
    }

    /**
     * Handles GET only, as Spring's DispatcherServlet renders Boot's error page: were the error
     * dispatch of a TRACE still a TRACE, HttpServlet's doTrace would echo the request.
     */
    static final class ErrorPageServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setContentType("text/plain");
            res.getWriter().print("error page: " + req.getAttribute("jakarta.servlet.error.status_code") + " as "
                    + req.getMethod() + " for " + req.getAttribute("jakarta.servlet.error.method"));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        traceOff = new ServletTestServer(container("/ctx"));
        traceOn = new ServletTestServer(container("").allowTrace(true));
    }

    private static ServletContainer container(String contextPath) {
        ServletContainer container = new ServletContainer(contextPath);
        container.addErrorPage(405, "/error");
        container.addInitializer((classes, context) -> {
            context.addListener(new ServletRequestListener() {
                @Override
                public void requestInitialized(ServletRequestEvent event) {
                    listenerRuns.incrementAndGet();
                }
            });
            context.addFilter("echo", (request, response, chain) -> {
                filterRuns.incrementAndGet();
                chain.doFilter(request, response);
            }).addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            context.addServlet("app", new GetAndPostServlet()).addMapping("/");
            context.addServlet("handlesAll", new LambdaServlet((req, res) -> res.getWriter().print("handled")))
                    .addMapping("/all");
            context.addServlet("error", new ErrorPageServlet()).addMapping("/error");
        });
        return container;
    }

    @AfterAll
    static void stop() {
        traceOff.close();
        traceOn.close();
    }

    @Test
    void traceIsRefusedWith405AndTheServletsMethodsBeforeAnyFilterRuns() throws Exception {
        int filtersBefore = filterRuns.get();
        int listenersBefore = listenerRuns.get();
        String response = traceOff.raw("TRACE /ctx/anything HTTP/1.1\r\nHost: x\r\nX-Api-Key: secret\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 405").contains("\r\nAllow: GET, HEAD, POST, OPTIONS\r\n")
                .contains("error page: 405 as GET for TRACE").doesNotContain("secret").doesNotContain("message/http");
        assertThat(filterRuns.get()).isEqualTo(filtersBefore);
        assertThat(listenerRuns.get()).isEqualTo(listenersBefore + 1);
    }

    @Test
    void aRefusedTraceOnAServletWithoutDoMethodsAllowsOnlyOptions() throws Exception {
        String response = traceOff.raw("TRACE /ctx/all HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 405").contains("\r\nAllow: OPTIONS\r\n");
    }

    @Test
    void allowedTraceReachesTheServlet() throws Exception {
        String response = traceOn.raw("TRACE /anything HTTP/1.1\r\nHost: x\r\nX-Api-Key: secret\r\nConnection: close\r\n\r\n");
        // HttpServlet's own doTrace: the request echoed back.
        assertThat(response).startsWith("HTTP/1.1 200").contains("Content-Type: message/http").contains("X-Api-Key: secret");
    }

    @Test
    void optionsAsteriskAnswersTheServersMethods() throws Exception {
        int filtersBefore = filterRuns.get();
        String response = traceOff.raw("OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS\r\n")
                .contains("\r\nContent-Length: 0\r\n").endsWith("\r\n\r\n");
        assertThat(filterRuns.get()).isEqualTo(filtersBefore);
        assertThat(traceOn.raw("OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE\r\n");
    }

    @Test
    void theAsteriskIsABadRequestForAnyOtherMethod() throws Exception {
        for (String method : new String[] {"GET", "POST", "HEAD", "TRACE"}) {
            assertThat(traceOff.raw(method + " * HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
                    .as(method).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void theContextPathWithoutItsSlashRedirectsToTheContextRootKeepingTheQuery() throws Exception {
        int filtersBefore = filterRuns.get();
        var redirect = traceOff.get("/ctx?a=1&b=x%20y");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue("/ctx/?a=1&b=x%20y");
        assertThat(traceOff.get("/ctx").headers().firstValue("Location")).hasValue("/ctx/");
        assertThat(filterRuns.get()).isEqualTo(filtersBefore);
        var post = traceOff.send(traceOff.request("/ctx").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
        assertThat(post.statusCode()).isEqualTo(302);
    }

    @Test
    void theContextRootAndPathsOutsideTheContextAreUnchanged() throws Exception {
        var root = traceOff.get("/ctx/?a=1");
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.body()).isEqualTo("get /ctx/ query=a=1");
        assertThat(traceOff.get("/ctxother").statusCode()).isEqualTo(404);
        assertThat(traceOff.get("/").statusCode()).isEqualTo(404);
    }
}
