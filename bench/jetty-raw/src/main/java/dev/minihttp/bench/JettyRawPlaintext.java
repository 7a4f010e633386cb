package dev.minihttp.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty 12's raw core {@link Handler} answering every request with 200 {@code text/plain}
 * "Hello, World!" — the closest Jetty equivalent of minihttp's native handler.
 *
 * <p>{@link Handler.Abstract} declares a blocking invocation type, so Jetty runs it on a
 * pool thread rather than the selector thread, like minihttp hands a request to a worker.
 * Thread pool: Jetty's defaults except max threads 200, minihttp's default.
 *
 * <p>Usage: {@code java -jar jetty-raw.jar <port>}; binds 127.0.0.1 only.
 */
public final class JettyRawPlaintext {

    private static final ByteBuffer BODY =
            ByteBuffer.wrap("Hello, World!".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;

        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setMaxThreads(200);
        threads.setName("jetty-worker");

        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Plaintext());
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("jetty-raw listening on 127.0.0.1:" + port);
        server.join();
    }

    private static final class Plaintext extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.remaining());
            // write(last=true, ...) completes the callback once the body is sent (or fails it).
            response.write(true, BODY.slice(), callback);
            return true;
        }
    }
}
