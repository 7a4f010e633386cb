package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.wsapp.WebSocketApp;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.messaging.converter.StringMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;

/**
 * Spring WebSocket on minihttp through Tyrus, with real clients: the JDK's {@code WebSocket}, the
 * independent Java-WebSocket client, Spring's STOMP client, and SockJS's info and WebSocket transport.
 */
@SpringBootTest(classes = WebSocketApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {WebSocketProtocolTest.MAX_MESSAGE, WebSocketProtocolTest.EXPOSE})
class WebSocketTest {

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.boot.web.server.context.WebServerApplicationContext context;

    /** Collects text messages (and the close) a JDK WebSocket receives. */
    static final class Received implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            messages.add("closed " + statusCode + " " + reason);
            return null;
        }

        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }
    }

    private WebSocket connect(String path, Received listener, String... headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + port + path), listener).join();
    }

    @Test
    void textWebSocketHandlerEchoesToTheJdkClient() throws Exception {
        Received received = new Received();
        WebSocket socket = connect("/echo", received, "X-User", "alice");
        socket.sendText("hello", true).join();
        assertThat(received.next()).isEqualTo("hello");
        String big = "x".repeat(200_000);
        socket.sendText(big, true).join();
        assertThat(received.next()).isEqualTo(big);
        // The handshake's Principal and attributes reach the session, as on Tomcat.
        socket.sendText("whoami", true).join();
        assertThat(received.next()).isEqualTo("alice blue /echo");
        socket.sendText("close", true).join();
        assertThat(received.next()).isEqualTo("closed 1001 asked to");
    }

    @Test
    void anonymousSessionHasNoPrincipal() throws Exception {
        Received received = new Received();
        WebSocket socket = connect("/echo", received);
        socket.sendText("whoami", true).join();
        assertThat(received.next()).isEqualTo("anonymous blue /echo");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        assertThat(received.next()).startsWith("closed 1000");
    }

    @Test
    void javaWebSocketClientEchoes() throws Exception {
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        WebSocketClient client = new WebSocketClient(URI.create("ws://127.0.0.1:" + port + "/echo")) {
            @Override
            public void onOpen(ServerHandshake handshake) {
                messages.add("open " + handshake.getHttpStatus());
            }

            @Override
            public void onMessage(String message) {
                messages.add(message);
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                messages.add("closed " + code);
            }

            @Override
            public void onError(Exception ex) {
                messages.add("error " + ex);
            }
        };
        assertThat(client.connectBlocking(10, TimeUnit.SECONDS)).isTrue();
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("open 101");
        for (int i = 0; i < 50; i++) {
            client.send("message " + i);
        }
        for (int i = 0; i < 50; i++) {
            assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("message " + i);
        }
        client.closeBlocking();
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo("closed 1000");
    }

    @Test
    void serverEndpointExportedBySpringAnswersWithItsPathParameter() throws Exception {
        Received received = new Received();
        WebSocket socket = connect("/annotated/kitchen", received);
        socket.sendText("tea", true).join();
        assertThat(received.next()).isEqualTo("kitchen:tea");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    @Test
    void stompWithTheSimpleBroker() throws Exception {
        WebSocketStompClient stomp = new WebSocketStompClient(new StandardWebSocketClient());
        stomp.setMessageConverter(new StringMessageConverter());
        StompSession session = stomp.connectAsync("ws://127.0.0.1:" + port + "/stomp", new StompSessionHandlerAdapter() {
        }).get(10, TimeUnit.SECONDS);
        BlockingQueue<String> shouts = new LinkedBlockingQueue<>();
        BlockingQueue<String> news = new LinkedBlockingQueue<>();
        session.subscribe("/topic/shouts", collector(shouts));
        StompSession.Receiptable subscribed = session.subscribe("/topic/news", collector(news));
        // The subscriptions are in place once the broker answered something sent after them.
        session.send("/app/shout", "hello");
        assertThat(shouts.poll(10, TimeUnit.SECONDS)).isEqualTo("HELLO");
        assertThat(subscribed).isNotNull();

        HttpResponse<String> published = Http.CLIENT.send(java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/news"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("from the server")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(published.statusCode()).isEqualTo(200);
        assertThat(news.poll(10, TimeUnit.SECONDS)).isEqualTo("from the server");
        session.disconnect();
        stomp.stop();
    }

    private static StompFrameHandler collector(BlockingQueue<String> into) {
        return new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return String.class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                into.add((String) payload);
            }
        };
    }

    @Test
    void sockJsInfoAndWebSocketTransport() throws Exception {
        HttpResponse<String> info = Http.get(port, "/sockjs/info");
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.body()).contains("\"websocket\":true");

        Received received = new Received();
        WebSocket socket = connect("/sockjs/000/session1/websocket", received);
        assertThat(received.next()).isEqualTo("o");
        socket.sendText("[\"hello\"]", true).join();
        assertThat(received.next()).isEqualTo("a[\"hello\"]");
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
    }

    private double closes(int code) {
        return registry.get("minihttp.websocket.closes").tag("code", Integer.toString(code)).functionCounter().count();
    }

    private double messages(String direction) {
        return registry.get("minihttp.websocket.messages").tag("direction", direction).functionCounter().count();
    }

    @Test
    void idleSessionsHoldNoWorkerAndAreMeteredAndListed() throws Exception {
        MiniHttpWebServer server = (MiniHttpWebServer) context.getWebServer();
        double normalCloses = closes(1000);
        double in = messages("in");
        double out = messages("out");
        Received first = new Received();
        Received second = new Received();
        WebSocket one = connect("/echo", first);
        WebSocket two = connect("/annotated/hall", second);
        one.sendText("a", true).join();
        assertThat(first.next()).isEqualTo("a");
        two.sendText("b", true).join();
        assertThat(second.next()).isEqualTo("hall:b");

        Http.await(() -> server.stats().busyThreads() == 0 && registry.get("minihttp.websocket.sessions").gauge().value() >= 2);
        // Two open, idle sessions: connections and sessions, no worker.
        assertThat(server.stats().busyThreads()).isZero();
        assertThat(server.stats().upgradedConnections()).isGreaterThanOrEqualTo(2);
        assertThat(registry.get("minihttp.websocket.sessions").gauge().value()).isGreaterThanOrEqualTo(2);
        assertThat(messages("in")).isGreaterThanOrEqualTo(in + 2);
        assertThat(messages("out")).isGreaterThanOrEqualTo(out + 2);

        HttpResponse<String> endpoint = Http.get(port, "/actuator/minihttp");
        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(endpoint.body()).contains("\"upgraded\":{\"connections\":").contains("\"websocket\":{\"sessions\":");

        one.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        two.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        assertThat(first.next()).startsWith("closed 1000");
        assertThat(second.next()).startsWith("closed 1000");
        Http.await(() -> closes(1000) >= normalCloses + 2);
        assertThat(closes(1000)).isGreaterThanOrEqualTo(normalCloses + 2);
        HttpResponse<String> metric = Http.get(port, "/actuator/metrics/minihttp.websocket.closes?tag=code:1000");
        assertThat(metric.statusCode()).isEqualTo(200);
    }
}
