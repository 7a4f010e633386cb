package dev.minihttp.boot;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/**
 * The outermost filter: counts what escapes the application (a controller's exception that no
 * exception resolver handled) against the worker thread, then lets it continue to the container,
 * which shows the error page. Counts the root cause, because Spring MVC wraps everything in a
 * {@link ServletException} and "ServletException" tells an operator nothing.
 */
final class ExceptionCountingFilter implements Filter {

    private final WorkerExceptions exceptions;

    ExceptionCountingFilter(WorkerExceptions exceptions) {
        this.exceptions = exceptions;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            exceptions.record(Thread.currentThread().getName(), rootCause(e));
            throw e;
        }
    }

    private static Throwable rootCause(Throwable thrown) {
        Throwable current = thrown;
        while (current instanceof ServletException && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
