package dev.minihttp.demo;

import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The smallest useful minihttp program: the native handler API answering plaintext, an echo and
 * a live view of the pool, without Spring. The benchmark ({@code bench/native-plaintext.sh}) runs it.
 * Run it with {@code mvn -q -pl demo-app -am compile exec:java -Dexec.mainClass=dev.minihttp.demo.HelloServer} and try
 * {@code curl localhost:8080/}, {@code curl -d hi localhost:8080/echo}, {@code curl localhost:8080/stats}.
 *
 * <p>Arguments: {@code [port]} (default 8080). Stops gracefully on Ctrl-C.
 */
public final class HelloServer {

    static {
        // Runs before the logger below exists: logback's own default would log at DEBUG.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "hello-logback.xml");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(HelloServer.class);
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    private HelloServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        ServerOptions options = ServerOptions.builder()
                .port(port)
                .workerThreads(Integer.getInteger("minihttp.threads", 200))
                .virtualThreads(Boolean.getBoolean("minihttp.virtual-threads"))
                .build();
        MiniHttpServer[] holder = new MiniHttpServer[1];
        MiniHttpServer server = new MiniHttpServer(options, (request, response) -> {
            switch (request.path()) {
                case "/", "/plaintext" -> {
                    response.header("Content-Type", "text/plain");
                    response.body().write(HELLO);
                }
                case "/echo" -> {
                    response.header("Content-Type", "application/octet-stream");
                    request.body().transferTo(response.body());
                }
                case "/stats" -> {
                    response.header("Content-Type", "text/plain;charset=UTF-8");
                    response.body().write((holder[0].stats() + "\n").getBytes(StandardCharsets.UTF_8));
                }
                default -> {
                    response.status(404).header("Content-Type", "text/plain");
                    response.body().write("Not Found\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        });
        holder[0] = server;
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.shutdownGracefully(Duration.ofSeconds(10))));
        log.info("minihttp HelloServer listening on port {} ({} workers{})", server.port(), options.workerThreads(),
                server.usesVirtualThreads() ? ", virtual threads" : "");
        Thread.currentThread().join();
    }
}
