package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * 10,000 open, idle WebSocket sessions cost connection slots and no thread: no worker is busy and
 * the pool does not grow while they sit there, and ordinary HTTP requests are served beside them.
 * The clients live in a process of their own ({@link IdleWebSocketClients}): with both ends in
 * one JVM, 10,000 sessions would need 20,000 descriptors, this machine's hard limit.
 * {@code -Dminihttp.test.idle-sessions=N} changes the count.
 */
@SpringBootTest(classes = WebSocketApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WebSocketProtocolTest.MAX_MESSAGE, WebSocketProtocolTest.EXPOSE, "minihttp.max-connections=12000"})
class WebSocketIdleConnectionsTest {

    private static final int SESSIONS = Integer.getInteger("minihttp.test.idle-sessions", 10_000);

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    @Test
    void idleSessionsHoldNoWorkerWhileHttpIsServed() throws Exception {
        MiniHttpWebServer server = (MiniHttpWebServer) context.getWebServer();
        Path javaCommand = Path.of(System.getProperty("java.home"), "bin", "java");
        String classes = new File(IdleWebSocketClients.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        Process clients = new ProcessBuilder(javaCommand.toString(), "-Xss256k", "-cp", classes,
                IdleWebSocketClients.class.getName(), Integer.toString(port), Integer.toString(SESSIONS))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(), StandardCharsets.UTF_8));
             Writer commands = new OutputStreamWriter(clients.getOutputStream(), StandardCharsets.UTF_8)) {
            assertThat(out.readLine()).isEqualTo("open " + SESSIONS + " failed 0");

            Http.await(() -> server.stats().busyThreads() == 0 && server.stats().upgradedConnections() >= SESSIONS);
            assertThat(server.stats().upgradedConnections()).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(server.stats().connections()).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(server.webSocketStats().sessions()).isGreaterThanOrEqualTo(SESSIONS);
            assertThat(server.stats().busyThreads()).isZero();
            int threads = server.stats().currentThreads();
            // Far fewer workers than sessions were ever started: a worker runs a handshake, then is free.
            assertThat(threads).isLessThan(SESSIONS / 40);

            for (int i = 0; i < 50; i++) {
                HttpResponse<String> response = Http.get(port, "/actuator/health");
                assertThat(response.statusCode()).isEqualTo(200);
            }
            // The last session still answers: idle is not dead.
            commands.write("echo\n");
            commands.flush();
            assertThat(out.readLine()).isEqualTo("echo 81 still here");

            Http.await(() -> server.stats().busyThreads() == 0);
            assertThat(server.stats().busyThreads()).isZero();
            assertThat(server.stats().currentThreads()).isLessThanOrEqualTo(threads + 2);
        } finally {
            clients.getOutputStream().close();
            if (!clients.waitFor(60, TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
        }
        Http.await(() -> server.stats().upgradedConnections() == 0);
        assertThat(server.stats().upgradedConnections()).isZero();
    }
}
