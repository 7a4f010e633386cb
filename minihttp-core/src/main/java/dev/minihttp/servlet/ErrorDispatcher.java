package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ERROR dispatch: sets the {@code jakarta.servlet.error.*} attributes and runs the error page
 * (with its ERROR filters) for a {@code sendError} or an escaping exception. Without a page, or
 * when the page itself fails, the container answers with a short plain-text body — never a stack
 * trace or anything the application put in the message.
 */
final class ErrorDispatcher {

    private static final Logger log = LoggerFactory.getLogger(ErrorDispatcher.class);

    private ErrorDispatcher() {
    }

    static void forStatus(RequestCycle cycle) {
        MiniHttpServletResponse response = cycle.response();
        int status = response.getStatus();
        String location = cycle.context().errorPages().forStatus(status);
        String message = response.errorMessage();
        response.prepareForErrorPage();
        render(cycle, location, status, message, null);
    }

    static void forException(RequestCycle cycle, Throwable failure) {
        MiniHttpServletResponse response = cycle.response();
        Throwable cause = failure instanceof ServletException servletException && servletException.getRootCause() != null
                ? servletException.getRootCause() : failure;
        if (response.exchange().isCommitted()) {
            response.exchange().abort();
            return;
        }
        response.prepareForErrorPage();
        response.exchange().resetBuffer();
        response.exchange().status(500);
        String location = cycle.context().errorPages().forException(failure);
        render(cycle, location, 500, cause.getMessage(), cause);
    }

    private static void render(RequestCycle cycle, String location, int status, String message, Throwable exception) {
        MiniHttpServletRequest request = cycle.request();
        MiniHttpServletResponse response = cycle.response();
        boolean nested = request.state() != null && request.state().type() == DispatcherType.ERROR;
        if (location == null || nested || response.exchange().isCommitted()) {
            writePlain(response, status);
            return;
        }
        DispatchState failed = request.state();
        request.putAttributeQuietly(RequestDispatcher.ERROR_STATUS_CODE, status);
        request.putAttributeQuietly(RequestDispatcher.ERROR_MESSAGE, message == null ? "" : message);
        request.putAttributeQuietly(RequestDispatcher.ERROR_REQUEST_URI, failed.requestURI());
        request.putAttributeQuietly(RequestDispatcher.ERROR_QUERY_STRING, failed.queryString());
        request.putAttributeQuietly(RequestDispatcher.ERROR_METHOD, request.getMethod());
        ServletHolder servlet = request.currentServlet();
        request.putAttributeQuietly(RequestDispatcher.ERROR_SERVLET_NAME, servlet == null ? null : servlet.name());
        request.putAttributeQuietly(RequestDispatcher.ERROR_EXCEPTION, exception);
        request.putAttributeQuietly(RequestDispatcher.ERROR_EXCEPTION_TYPE, exception == null ? null : exception.getClass());
        response.exchange().status(status);

        String path = location;
        String query = null;
        int question = location.indexOf('?');
        if (question >= 0) {
            query = location.substring(question + 1);
            path = location.substring(0, question);
        }
        ServletMatch match = cycle.context().match(path);
        request.state(RequestCycle.stateFor(DispatcherType.ERROR, cycle.context().getContextPath() + path, path,
                query, match, null));
        try {
            cycle.invoke(DispatcherType.ERROR, path, match, request, response);
            if (response.isErrorPending()) {
                // The error page itself sent an error: do not loop, answer plainly.
                response.prepareForErrorPage();
                writePlain(response, response.getStatus());
            }
        } catch (Throwable t) {
            Throwable counted = RequestCycle.rootCause(t);
            log.error("The error page {} failed for {}: {}", location, request, counted.toString(), t);
            response.exchange().reportException(counted);
            if (response.exchange().isCommitted()) {
                response.exchange().abort();
            } else {
                writePlain(response, 500);
            }
        }
    }

    private static void writePlain(MiniHttpServletResponse response, int status) {
        try {
            response.writeContainerError(status);
        } catch (IOException e) {
            log.debug("Could not write the error response", e);
        }
    }
}
