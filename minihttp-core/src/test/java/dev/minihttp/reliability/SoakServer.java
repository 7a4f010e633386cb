package dev.minihttp.reliability;

import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.server.ServerStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The server {@code bench/soak.sh} and {@code bench/shutdown-under-load.sh} run: the native
 * engine on 127.0.0.1 with an application that answers small, large, echoed, failing and missing
 * resources, plus {@code /stats}. Prints {@code PORT <n>} once listening; on SIGTERM it shuts
 * down gracefully (10 s) and prints {@code SHUTDOWN graceful=<true|false>}.
 *
 * <pre>java -cp ... dev.minihttp.reliability.SoakServer [port] [delayMillis]</pre>
 */
public final class SoakServer {

    static final int LARGE = 256 * 1024;
    private static final byte[] LARGE_BODY = large();

    private SoakServer() {
    }

    static byte[] large() {
        byte[] body = new byte[LARGE];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return body;
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        long delayMillis = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Path spool = Files.createTempDirectory("minihttp-soak-");
        MiniHttpServer server = new MiniHttpServer(ServerOptions.builder()
                .host("127.0.0.1")
                .port(port)
                .workerThreads(16)
                .queueCapacity(200)
                .bodyBufferThreshold(64 * 1024)
                .tempDirectory(spool)
                .build(), (request, response) -> {
                    if (delayMillis > 0) {
                        Thread.sleep(delayMillis);
                    }
                    byte[] body = request.body().readAllBytes();
                    String path = request.path();
                    switch (path) {
                        case "/small" -> response.body().write("ok".getBytes(StandardCharsets.US_ASCII));
                        case "/large" -> response.body().write(LARGE_BODY);
                        case "/echo" -> {
                            response.header("X-Length", Integer.toString(body.length));
                            response.body().write(body);
                        }
                        case "/error" -> throw new IllegalStateException("soak: deliberate failure");
                        case "/stats" -> response.body().write(stats(null).getBytes(StandardCharsets.US_ASCII));
                        default -> response.status(404).body().write("no such thing".getBytes(StandardCharsets.US_ASCII));
                    }
                });
        server.start();
        statsSource = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boolean graceful = server.shutdownGracefully(Duration.ofSeconds(10));
            String[] left;
            try (var files = Files.list(spool)) {
                left = files.map(Path::toString).toArray(String[]::new);
                Files.deleteIfExists(spool);
            } catch (IOException e) {
                left = new String[] {e.toString()};
            }
            System.out.println("SHUTDOWN graceful=" + graceful + " spoolLeft=" + Arrays.toString(left));
            System.out.flush();
        }, "soak-shutdown"));
        System.out.println("PORT " + server.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    private static volatile MiniHttpServer statsSource;

    /** One line of key=value pairs, easy to pick apart in a shell script. */
    static String stats(ServerStats given) {
        ServerStats s = given != null ? given : statsSource.stats();
        long exceptions = s.exceptions().stream().mapToLong(ServerStats.ExceptionCount::count).sum();
        long rejected = s.rejected().values().stream().mapToLong(Long::longValue).sum();
        return "connections=" + s.connections() + " busy=" + s.busyThreads() + " queue=" + s.queueSize()
                + " requests=" + s.requests() + " exceptions=" + exceptions + " errors=" + s.errors()
                + " rejected=" + rejected + " threads=" + s.currentThreads() + "\n";
    }
}
