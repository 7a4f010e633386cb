package dev.minihttp.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;

/**
 * bench/websocket-servers.sh: a text echo at /ws/echo, the same {@code TextWebSocketHandler} on
 * every server. Only with {@code --bench.websocket=true}, so the other benchmarks run the app as before.
 */
@Configuration
@EnableWebSocket
@ConditionalOnProperty(name = "bench.websocket", havingValue = "true")
public class BenchWebSocket implements WebSocketConfigurer {

    static final class Echo extends TextWebSocketHandler {
        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
            session.sendMessage(message);
        }
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new Echo(), "/ws/echo");
    }

    /**
     * Jetty closes a WebSocket idle for 30 s by default; the idle sessions must outlive the
     * measurement. Set for Jetty only (--bench.websocket.idle-timeout-ms): Tomcat has no session
     * idle timeout by default, and on Tyrus this would schedule a timer task per session.
     */
    @Bean
    @ConditionalOnProperty(name = "bench.websocket.idle-timeout-ms")
    ServletServerContainerFactoryBean webSocketContainer(
            @org.springframework.beans.factory.annotation.Value("${bench.websocket.idle-timeout-ms}") long idleTimeout) {
        ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
        container.setMaxSessionIdleTimeout(idleTimeout);
        return container;
    }
}
