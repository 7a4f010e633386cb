package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;

/**
 * A graceful shutdown closes open WebSocket sessions with {@code 1001 Going Away}, as Tomcat and
 * Jetty do: the client's {@code onClose} and the application's handler both see 1001, not the
 * 1006 of a connection that just vanished.
 */
class WebSocketShutdownTest {

    @Test
    void gracefulShutdownClosesOpenSessionsWithGoingAway() throws Exception {
        WebSocketApp.EchoHandler.closes.clear();
        ConfigurableApplicationContext context = new SpringApplication(WebSocketApp.class).run("--server.port=0",
                "--server.shutdown=graceful", "--spring.lifecycle.timeout-per-shutdown-phase=20s",
                "--" + WebSocketProtocolTest.MAX_MESSAGE);
        MiniHttpWebServer server = (MiniHttpWebServer) ((WebServerApplicationContext) context).getWebServer();
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        WebSocketTest.Received first = new WebSocketTest.Received();
        WebSocketTest.Received second = new WebSocketTest.Received();
        WebSocket one = connect(server.getPort(), first);
        WebSocket two = connect(server.getPort(), second);
        one.sendText("hello", true).join();
        assertThat(first.next()).isEqualTo("hello");
        two.sendText("there", true).join();
        assertThat(second.next()).isEqualTo("there");

        context.close();

        assertThat(first.next()).isEqualTo("closed 1001 Server shutting down");
        assertThat(second.next()).isEqualTo("closed 1001 Server shutting down");
        for (int i = 0; i < 2; i++) {
            CloseStatus status = WebSocketApp.EchoHandler.closes.poll(10, TimeUnit.SECONDS);
            assertThat(status).as("the handler heard the close").isNotNull();
            assertThat(status.getCode()).isEqualTo(1001);
        }
        assertThat(registry.get("minihttp.websocket.closes").tag("code", "1001").functionCounter().count()).isEqualTo(2);
        assertThat(server.stats().upgradedConnections()).isZero();
    }

    private static WebSocket connect(int port, WebSocket.Listener listener) {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), listener).join();
    }
}
