package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which error page answers (Servlet spec 10.9.2): by status code for {@code sendError}, by
 * exception type with the nearest superclass winning, a {@link ServletException}'s root cause
 * when the exception itself matches nothing, and the global default page otherwise.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class ErrorPagesTest {

    static ServletTestServer server;

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            context.addServlet("teapot", new LambdaServlet((req, res) -> res.sendError(418, "short and stout")))
                    .addMapping("/teapot");
            context.addServlet("gone", new LambdaServlet((req, res) -> res.sendError(410))).addMapping("/gone");
            context.addServlet("ise", new LambdaServlet((req, res) -> {
                throw new IllegalStateException("ise");
            })).addMapping("/ise");
            context.addServlet("uoe", new LambdaServlet((req, res) -> {
                throw new UnsupportedOperationException("uoe");
            })).addMapping("/uoe");
            context.addServlet("nfe", new LambdaServlet((req, res) -> {
                throw new NumberFormatException("nfe");
            })).addMapping("/nfe");
            context.addServlet("wrapped", new LambdaServlet((req, res) -> {
                throw new ServletException("wrapper", new IllegalStateException("root"));
            })).addMapping("/wrapped");
            context.addServlet("wrapped-checked", new LambdaServlet((req, res) -> {
                throw new ServletException("wrapper", new IOException("disk"));
            })).addMapping("/wrapped-checked");
            context.addServlet("checked", new LambdaServlet((req, res) -> {
                throw new IOException("disk");
            })).addMapping("/checked");
            context.addServlet("page", new LambdaServlet((req, res) -> {
                Object exception = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
                res.getWriter().print(req.getPathInfo()
                        + " status=" + req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE)
                        + " message=" + req.getAttribute(RequestDispatcher.ERROR_MESSAGE)
                        + " exception=" + (exception == null ? "-" : exception.getClass().getSimpleName())
                        + " uri=" + req.getAttribute(RequestDispatcher.ERROR_REQUEST_URI)
                        + " servlet=" + req.getAttribute(RequestDispatcher.ERROR_SERVLET_NAME)
                        + " type=" + req.getDispatcherType());
            })).addMapping("/pages/*");
        });
        container.addErrorPage(418, "/pages/teapot");
        container.addErrorPage(404, "/pages/not-found");
        container.addErrorPage(RuntimeException.class, "/pages/runtime");
        container.addErrorPage(IllegalStateException.class, "/pages/ise");
        container.addErrorPage(IllegalArgumentException.class, "/pages/iae");
        container.defaultErrorPage("/pages/default");
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sendErrorIsAnsweredByThePageForItsStatus() throws Exception {
        HttpResponse<String> response = server.get("/teapot");

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(response.body()).isEqualTo("/teapot status=418 message=short and stout exception=- uri=/teapot "
                + "servlet=teapot type=ERROR");
    }

    @Test
    void unmappedPathIsAnsweredByThePageFor404() throws Exception {
        HttpResponse<String> response = server.get("/nothing/here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).startsWith("/not-found status=404 ").contains("uri=/nothing/here");
    }

    @Test
    void statusWithoutItsOwnPageGoesToTheDefaultPage() throws Exception {
        HttpResponse<String> response = server.get("/gone");

        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(response.body()).startsWith("/default status=410 message= exception=-");
    }

    @Test
    void exactExceptionTypeWinsOverItsSuperclass() throws Exception {
        HttpResponse<String> response = server.get("/ise");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("/ise status=500 message=ise exception=IllegalStateException uri=/ise "
                + "servlet=ise type=ERROR");
    }

    @Test
    void exceptionWithoutItsOwnPageGoesToTheNearestSuperclassPage() throws Exception {
        assertThat(server.get("/uoe").body()).startsWith("/runtime status=500 message=uoe exception=UnsupportedOperationException");
        // NumberFormatException extends IllegalArgumentException extends RuntimeException: the nearer one wins
        assertThat(server.get("/nfe").body()).startsWith("/iae status=500 message=nfe exception=NumberFormatException");
    }

    @Test
    void servletExceptionIsMatchedByItsRootCause() throws Exception {
        HttpResponse<String> response = server.get("/wrapped");

        assertThat(response.statusCode()).isEqualTo(500);
        // the root cause is what the page sees, as on Tomcat
        assertThat(response.body()).startsWith("/ise status=500 message=root exception=IllegalStateException uri=/wrapped");
    }

    @Test
    void exceptionsMatchingNoPageGoToTheDefaultPage() throws Exception {
        assertThat(server.get("/checked").body()).startsWith("/default status=500 message=disk exception=IOException");
        assertThat(server.get("/wrapped-checked").body()).startsWith("/default status=500 message=disk exception=IOException");
    }

    @Test
    void servletExceptionPageWinsOverTheRootCausePage() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            context.addServlet("wrapped", new LambdaServlet((req, res) -> {
                throw new ServletException("wrapper", new IllegalStateException("root"));
            })).addMapping("/wrapped");
            context.addServlet("page", new LambdaServlet((req, res) -> res.getWriter().print(req.getServletPath())))
                    .addMapping("/servlet-exception", "/ise");
        });
        // Spec 10.9.2: the root cause is only tried when the exception itself matches no page.
        container.addErrorPage(ServletException.class, "/servlet-exception");
        container.addErrorPage(IllegalStateException.class, "/ise");
        try (ServletTestServer own = new ServletTestServer(container)) {
            assertThat(own.get("/wrapped").body()).isEqualTo("/servlet-exception");
        }
    }
}
