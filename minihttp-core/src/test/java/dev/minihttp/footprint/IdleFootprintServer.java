package dev.minihttp.footprint;

import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.servlet.ServletContainer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A plain server for {@code bench/idle-footprint.sh}: "Hello, World!" on every path, from the
 * native handler ({@code engine}) or a servlet in the Servlet container ({@code servlet}), with room
 * for many connections. A measuring tool, not a test: the script opens idle keep-alive connections
 * to it and reads the heap per connection from {@code jcmd GC.class_histogram}.
 *
 * <p>Arguments: {@code engine|servlet port}. Runs until killed.
 */
public final class IdleFootprintServer {

    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private IdleFootprintServer() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        ServerOptions options = ServerOptions.builder().host("127.0.0.1").port(Integer.parseInt(args[1]))
                .maxConnections(100_000).idleTimeout(java.time.Duration.ofMinutes(30)).build();
        MiniHttpServer server;
        switch (mode) {
            case "engine" -> server = new MiniHttpServer(options, (request, response) -> {
                response.header("Content-Type", "text/plain");
                response.body().write(HELLO);
            });
            case "servlet" -> {
                ServletContainer container = new ServletContainer();
                container.addInitializer((classes, context) -> context.addServlet("hello", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.setContentType("text/plain");
                        response.getOutputStream().write(HELLO);
                    }
                }).addMapping("/"));
                container.start();
                server = new MiniHttpServer(options, container.handler());
            }
            default -> throw new IllegalArgumentException("engine or servlet, not " + mode);
        }
        server.start();
        System.out.println("listening on " + server.port());
        Thread.currentThread().join();
    }
}
