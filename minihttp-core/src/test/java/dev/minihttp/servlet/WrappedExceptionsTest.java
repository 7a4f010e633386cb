package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.server.ServerStats;
import jakarta.servlet.ServletException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Frameworks wrap what a handler throws in {@link ServletException} (Spring MVC even wraps an
 * {@code Error}); the engine counts what is inside, once, so the stats name the real exception
 * and an {@code Error} is still counted as one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class WrappedExceptionsTest {

    private static ServletTestServer serve() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            context.addServlet("wrapped", new LambdaServlet((req, res) -> {
                throw new ServletException("Request processing failed",
                        new ServletException("inner", new IllegalArgumentException("bad")));
            })).addMapping("/wrapped");
            context.addServlet("wrapped-error", new LambdaServlet((req, res) -> {
                throw new ServletException("Handler dispatch failed", new StackOverflowError());
            })).addMapping("/wrapped-error");
            context.addServlet("bare", new LambdaServlet((req, res) -> {
                throw new ServletException("no cause");
            })).addMapping("/bare");
        });
        return new ServletTestServer(container);
    }

    @Test
    void countsTheExceptionInsideServletExceptionsOnce() throws Exception {
        try (ServletTestServer server = serve()) {
            assertThat(server.get("/wrapped").statusCode()).isEqualTo(500);
            assertThat(server.get("/bare").statusCode()).isEqualTo(500);

            ServerStats stats = server.server.stats();
            assertThat(stats.exceptions()).extracting(ServerStats.ExceptionCount::exception, ServerStats.ExceptionCount::count)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(IllegalArgumentException.class.getName(), 1L),
                            org.assertj.core.groups.Tuple.tuple(ServletException.class.getName(), 1L));
            assertThat(stats.errors()).isZero();
        }
    }

    @Test
    void anErrorWrappedInAServletExceptionCountsAsAnError() throws Exception {
        try (ServletTestServer server = serve()) {
            assertThat(server.get("/wrapped-error").statusCode()).isEqualTo(500);

            ServerStats stats = server.server.stats();
            assertThat(stats.errors()).isEqualTo(1);
            assertThat(stats.lastError()).contains("java.lang.StackOverflowError");
        }
    }
}
