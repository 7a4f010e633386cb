package dev.minihttp.servlet;

import dev.minihttp.server.Handler;
import dev.minihttp.server.Request;
import dev.minihttp.server.Response;

/**
 * The bridge from the engine: each complete request the engine hands to a worker becomes one
 * {@link RequestCycle}. When the servlet went async the engine response stays suspended and the
 * worker returns to the pool; the cycle completes it later.
 */
final class ServletContainerHandler implements Handler {

    private final MiniServletContext context;

    ServletContainerHandler(MiniServletContext context) {
        this.context = context;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        if (!context.isStarted()) {
            response.status(503).header("Content-Type", "text/plain;charset=UTF-8");
            response.body().write("503 Service Unavailable\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(context.getClassLoader());
        try {
            new RequestCycle(context, request, response).run();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
