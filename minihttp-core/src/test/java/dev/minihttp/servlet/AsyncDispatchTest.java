package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.http.HttpRequest;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where {@code AsyncContext.dispatch()} (no argument) goes, after the examples in its Servlet 6.1
 * Javadoc: after {@code startAsync()} to the URI the container last dispatched the request to;
 * after {@code startAsync(request, response)} to that request's {@code getRequestURI()}, which a
 * wrapper may change.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class AsyncDispatchTest {

    static ServletTestServer server;

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer("/ctx");
        container.addInitializer((classes, context) -> {
            ServletRegistration.Dynamic async = context.addServlet("async", new LambdaServlet((req, res) -> {
                if (req.getDispatcherType() == DispatcherType.ASYNC) {
                    res.getWriter().print("ASYNC uri=" + req.getRequestURI() + " pathInfo=" + req.getPathInfo()
                            + " query=" + req.getQueryString() + " from=" + req.getAttribute(AsyncContext.ASYNC_REQUEST_URI));
                    return;
                }
                AsyncContext context1 = "wrapped".equals(req.getParameter("mode")) ? req.startAsync(req, res) : req.startAsync();
                context1.dispatch();
            }));
            async.addMapping("/async/*");
            async.setAsyncSupported(true);

            ServletRegistration.Dynamic forwarder = context.addServlet("forwarder", new LambdaServlet((req, res) -> {
                if (req.getDispatcherType() == DispatcherType.ASYNC) {
                    res.getWriter().print("ASYNC at forwarder uri=" + req.getRequestURI() + " query=" + req.getQueryString());
                    return;
                }
                req.getRequestDispatcher("/async/forwarded?mode=" + req.getParameter("mode")).forward(req, res);
            }));
            forwarder.addMapping("/fwd/*");
            forwarder.setAsyncSupported(true);

            // Wraps the request when asked to, the way Spring's ForwardedHeaderFilter changes the URI.
            FilterRegistration.Dynamic wrap = context.addFilter("wrap", (request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                if (http.getHeader("X-Wrap") == null) {
                    chain.doFilter(request, response);
                    return;
                }
                String uri = http.getHeader("X-Wrap-Uri");
                String contextPath = http.getHeader("X-Wrap-Context");
                chain.doFilter(new HttpServletRequestWrapper(http) {
                    @Override
                    public String getRequestURI() {
                        return uri != null ? uri : super.getRequestURI();
                    }

                    @Override
                    public String getContextPath() {
                        return contextPath != null ? contextPath : super.getContextPath();
                    }
                }, response);
            });
            wrap.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
            wrap.setAsyncSupported(true);
        });
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = server.request(path);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return server.send(request.build()).body();
    }

    @Test
    void startAsyncThenDispatchGoesBackToTheRequestUri() throws Exception {
        assertThat(get("/ctx/async/one?mode=plain"))
                .isEqualTo("ASYNC uri=/ctx/async/one pathInfo=/one query=mode=plain from=/ctx/async/one");
    }

    @Test
    void startAsyncInsideAForwardDispatchesToTheOriginalUri() throws Exception {
        // Javadoc example 2: REQUEST to /url/A, FORWARD to /url/B, startAsync(), dispatch() -> /url/A
        assertThat(get("/ctx/fwd/x?mode=plain")).isEqualTo("ASYNC at forwarder uri=/ctx/fwd/x query=mode=plain");
    }

    @Test
    void startAsyncWithTheForwardedRequestDispatchesToTheForwardTarget() throws Exception {
        // Javadoc example 3: REQUEST to /url/A, FORWARD to /url/B, startAsync(request, response), dispatch() -> /url/B
        assertThat(get("/ctx/fwd/x?mode=wrapped"))
                .startsWith("ASYNC uri=/ctx/async/forwarded pathInfo=/forwarded query=mode=wrapped");
    }

    @Test
    void startAsyncWithAWrapperDispatchesToTheWrappersUri() throws Exception {
        assertThat(get("/ctx/async/one?mode=wrapped", "X-Wrap", "yes", "X-Wrap-Uri", "/ctx/async/elsewhere"))
                .isEqualTo("ASYNC uri=/ctx/async/elsewhere pathInfo=/elsewhere query=mode=wrapped from=/ctx/async/one");
    }

    @Test
    void theWrappersOwnContextPathIsStripped() throws Exception {
        assertThat(get("/ctx/async/one?mode=wrapped", "X-Wrap", "yes",
                "X-Wrap-Uri", "/prefix/ctx/async/moved", "X-Wrap-Context", "/prefix/ctx"))
                // mapped on /async/moved; the servlet still sees the wrapper (the request passed
                // to startAsync), which reports its own URI
                .startsWith("ASYNC uri=/prefix/ctx/async/moved pathInfo=/moved ");
    }

    @Test
    void theWrappersUriIsDecodedForMapping() throws Exception {
        assertThat(get("/ctx/async/a%20b?mode=wrapped", "X-Wrap", "yes", "X-Wrap-Uri", "/ctx/async/c%20d%25"))
                .startsWith("ASYNC uri=/ctx/async/c%20d%25 pathInfo=/c d% ");
    }

    @Test
    void aDelegatingWrapperKeepsTheRequestUri() throws Exception {
        assertThat(get("/ctx/async/a%20b?mode=wrapped", "X-Wrap", "yes"))
                .isEqualTo("ASYNC uri=/ctx/async/a%20b pathInfo=/a b query=mode=wrapped from=/ctx/async/a%20b");
    }
}
