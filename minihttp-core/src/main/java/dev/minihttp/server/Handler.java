package dev.minihttp.server;

/**
 * The application side of minihttp's native API. Called on a worker thread once a request has
 * been received completely (head and body), so reading the body never waits for the network.
 *
 * <p>When {@code handle} returns, the response is completed (buffered bytes sent, chunked body
 * terminated) unless the handler called {@link Response#suspend()}. Whatever it throws is
 * answered with 500 when nothing has been committed yet (the connection is closed otherwise),
 * logged and counted against the worker thread that ran it.
 */
@FunctionalInterface
public interface Handler {

    void handle(Request request, Response response) throws Exception;
}
