package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.server.Eventually;
import dev.minihttp.server.ServerStats;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exceptions the container answers itself (error page or 500) never reach the engine, so the
 * container reports them: they show in the server's stats against the worker that ran the code.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class ContainerExceptionsTest {

    private static ServletTestServer serve(boolean withErrorPage) throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            context.addServlet("throws", new LambdaServlet((req, res) -> {
                throw new IllegalStateException("secret detail");
            })).addMapping("/throws");
            context.addServlet("gzip-throws", new LambdaServlet((req, res) -> {
                res.setHeader("Content-Encoding", "gzip");
                res.setHeader("Content-Disposition", "attachment; filename=report.csv.gz");
                res.setHeader("X-App", "kept");
                throw new IllegalStateException("secret detail");
            })).addMapping("/gzip-throws");
            context.addServlet("overflow", new LambdaServlet((req, res) -> {
                throw new StackOverflowError();
            })).addMapping("/overflow");

            ServletRegistration.Dynamic task = context.addServlet("task", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                async.start(() -> {
                    throw new UnsupportedOperationException("from the task");
                });
            }));
            task.addMapping("/task");
            task.setAsyncSupported(true);

            ServletRegistration.Dynamic asyncDispatch = context.addServlet("async-dispatch", new LambdaServlet((req, res) -> {
                if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                    throw new ArithmeticException("in the async dispatch");
                }
                req.startAsync().dispatch();
            }));
            asyncDispatch.addMapping("/async-dispatch");
            asyncDispatch.setAsyncSupported(true);

            context.addServlet("error", new LambdaServlet((req, res) -> {
                Object type = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION_TYPE);
                res.getWriter().print("error page for " + (type == null ? "-" : ((Class<?>) type).getSimpleName())
                        + " status " + req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
            })).addMapping("/error");
        });
        if (withErrorPage) {
            container.defaultErrorPage("/error");
        }
        return new ServletTestServer(container);
    }

    private static ServerStats.ExceptionCount counted(ServletTestServer server, Class<? extends Throwable> type) {
        return server.server.stats().exceptions().stream()
                .filter(count -> count.exception().equals(type.getName()))
                .findFirst().orElse(null);
    }

    /** Three request listeners; the middle one throws for /listener-throws. */
    private static ServletTestServer serveWithRequestListeners(List<String> events) throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            for (String name : List.of("first", "throwing", "last")) {
                context.addListener(new ServletRequestListener() {
                    @Override
                    public void requestInitialized(ServletRequestEvent event) {
                        String uri = ((HttpServletRequest) event.getServletRequest()).getRequestURI();
                        events.add(name + ":init " + uri);
                        if (name.equals("throwing") && uri.equals("/listener-throws")) {
                            throw new IllegalArgumentException("secret listener detail");
                        }
                    }

                    @Override
                    public void requestDestroyed(ServletRequestEvent event) {
                        events.add(name + ":destroyed");
                    }
                });
            }
            context.addServlet("any", new LambdaServlet((req, res) -> {
                events.add("servlet");
                res.getWriter().print("served");
            })).addMapping("/*");
            context.addServlet("error", new LambdaServlet((req, res) -> res.getWriter().print("app error page")))
                    .addMapping("/error");
        });
        container.defaultErrorPage("/error");
        return new ServletTestServer(container);
    }

    @Test
    void requestListenerThatThrowsStopsTheRequestWithAPlain500AndInitialisedListenersAreDestroyed() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (ServletTestServer server = serveWithRequestListeners(events)) {
            HttpResponse<String> response = server.get("/listener-throws");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).as("the container's own answer, not the app's error page, no detail")
                    .isEqualTo("500 Internal Server Error\n");
            Eventually.await("first listener destroyed", () -> events.contains("first:destroyed"), () -> events);
            assertThat(events).containsExactly("first:init /listener-throws", "throwing:init /listener-throws",
                    "first:destroyed");
            assertThat(counted(server, IllegalArgumentException.class)).isNotNull();

            events.clear();
            HttpResponse<String> next = server.get("/fine");
            assertThat(next.body()).isEqualTo("served");
            Eventually.await("all listeners destroyed", () -> events.size() == 7, () -> events);
            assertThat(events).containsExactly("first:init /fine", "throwing:init /fine", "last:init /fine", "servlet",
                    "last:destroyed", "throwing:destroyed", "first:destroyed");
        }
    }

    @Test
    void exceptionAnsweredWith500IsCountedAgainstTheWorker() throws Exception {
        try (ServletTestServer server = serve(false)) {
            HttpResponse<String> response = server.get("/throws");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("500 Internal Server Error\n").doesNotContain("secret");
            assertThat(response.headers().firstValue("Server")).isEmpty();
            ServerStats.ExceptionCount count = counted(server, IllegalStateException.class);
            assertThat(count).isNotNull();
            assertThat(count.thread()).matches("minihttp-worker-\\d+");
            assertThat(count.count()).isEqualTo(1);
            assertThat(server.server.stats().errors()).isZero();
        }
    }

    @Test
    void plain500DropsHeadersDescribingTheBodyTheAppMeantToSend() throws Exception {
        try (ServletTestServer server = serve(false)) {
            HttpResponse<String> response = server.get("/gzip-throws");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("500 Internal Server Error\n");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain;charset=UTF-8");
            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            assertThat(response.headers().firstValue("Content-Disposition")).isEmpty();
            assertThat(response.headers().firstValue("X-App")).hasValue("kept");
        }
    }

    @Test
    void exceptionAnsweredByTheErrorPageIsCounted() throws Exception {
        try (ServletTestServer server = serve(true)) {
            HttpResponse<String> response = server.get("/throws");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("error page for IllegalStateException status 500");
            assertThat(counted(server, IllegalStateException.class).thread()).matches("minihttp-worker-\\d+");
        }
    }

    @Test
    void errorIsCountedAsAnErrorAndStillAnswered() throws Exception {
        try (ServletTestServer server = serve(false)) {
            HttpResponse<String> response = server.get("/overflow");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("500 Internal Server Error\n");
            ServerStats stats = server.server.stats();
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(stats.lastError()).contains("java.lang.StackOverflowError");
            assertThat(counted(server, StackOverflowError.class).thread()).matches("minihttp-worker-\\d+");
            // the worker survived and the server goes on answering
            assertThat(server.get("/throws").statusCode()).isEqualTo(500);
        }
    }

    @Test
    void errorReachesTheErrorPage() throws Exception {
        try (ServletTestServer server = serve(true)) {
            HttpResponse<String> response = server.get("/overflow");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("error page for StackOverflowError status 500");
            assertThat(server.server.stats().errors()).isEqualTo(1);
        }
    }

    @Test
    void exceptionInAnAsyncStartTaskIsAnsweredAndCounted() throws Exception {
        try (ServletTestServer server = serve(true)) {
            HttpResponse<String> response = server.get("/task");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("error page for UnsupportedOperationException status 500");
            assertThat(counted(server, UnsupportedOperationException.class).thread()).matches("minihttp-worker-\\d+");
        }
    }

    @Test
    void exceptionInAnAsyncStartTaskWithoutErrorPageGetsA500() throws Exception {
        try (ServletTestServer server = serve(false)) {
            HttpResponse<String> response = server.get("/task");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("500 Internal Server Error\n");
            assertThat(counted(server, UnsupportedOperationException.class)).isNotNull();
        }
    }

    @Test
    void exceptionInAnAsyncDispatchIsAnsweredAndCounted() throws Exception {
        try (ServletTestServer server = serve(true)) {
            HttpResponse<String> response = server.get("/async-dispatch");

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("error page for ArithmeticException status 500");
            ServerStats.ExceptionCount count = counted(server, ArithmeticException.class);
            assertThat(count.thread()).matches("minihttp-worker-\\d+");
            assertThat(count.count()).isEqualTo(1);
        }
    }
}
