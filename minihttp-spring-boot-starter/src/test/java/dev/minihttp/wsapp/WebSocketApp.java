package dev.minihttp.wsapp;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.websocket.OnMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.security.Principal;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServerEndpointExporter;

/**
 * A Spring app using WebSocket the ordinary ways, nothing minihttp-specific: a
 * {@code TextWebSocketHandler} (plain and with SockJS), a {@code @ServerEndpoint} exported by
 * {@code ServerEndpointExporter}, and STOMP with the simple broker. A filter plays the security
 * layer: the {@code X-User} header becomes the request's Principal. Kept outside
 * {@code dev.minihttp.boot} so the other tests' app does not pick it up.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration"})
public class WebSocketApp {

    /** Echoes text; "whoami" answers with the session's principal and a handshake attribute. */
    public static class EchoHandler extends TextWebSocketHandler {
        /** How sessions ended, as the handler heard it (the shutdown test reads it). */
        public static final java.util.concurrent.BlockingQueue<CloseStatus> closes = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
            closes.add(status);
        }

        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
            if (message.getPayload().equals("whoami")) {
                Principal user = session.getPrincipal();
                session.sendMessage(new TextMessage((user == null ? "anonymous" : user.getName())
                        + " " + session.getAttributes().get("color") + " " + session.getUri().getPath()));
                return;
            }
            if (message.getPayload().equals("close")) {
                session.close(CloseStatus.GOING_AWAY.withReason("asked to"));
                return;
            }
            session.sendMessage(message);
        }
    }

    @ServerEndpoint("/annotated/{room}")
    public static class AnnotatedEcho {
        @OnMessage
        public String echo(String message, Session session) {
            return session.getPathParameters().get("room") + ":" + message;
        }
    }

    @Configuration
    @EnableWebSocket
    static class PlainWebSocket implements WebSocketConfigurer {
        @Override
        public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
            HandshakeInterceptor color = new HandshakeInterceptor() {
                @Override
                public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
                                               WebSocketHandler wsHandler, Map<String, Object> attributes) {
                    attributes.put("color", "blue");
                    return true;
                }

                @Override
                public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
                                           WebSocketHandler wsHandler, Exception exception) {
                }
            };
            registry.addHandler(new EchoHandler(), "/echo").addInterceptors(color);
            registry.addHandler(new EchoHandler(), "/sockjs").addInterceptors(color).withSockJS();
        }

        @Bean
        ServerEndpointExporter serverEndpointExporter() {
            ServerEndpointExporter exporter = new ServerEndpointExporter();
            exporter.setAnnotatedEndpointClasses(AnnotatedEcho.class);
            return exporter;
        }

        @Bean
        Filter principalFromHeader() {
            return (request, response, chain) -> {
                HttpServletRequest http = (HttpServletRequest) request;
                String user = http.getHeader("X-User");
                chain.doFilter(user == null ? request : new HttpServletRequestWrapper(http) {
                    @Override
                    public Principal getUserPrincipal() {
                        return () -> user;
                    }
                }, response);
            };
        }
    }

    @Configuration
    @EnableWebSocketMessageBroker
    static class Stomp implements WebSocketMessageBrokerConfigurer {
        @Override
        public void registerStompEndpoints(StompEndpointRegistry registry) {
            registry.addEndpoint("/stomp");
        }

        @Override
        public void configureMessageBroker(MessageBrokerRegistry registry) {
            registry.enableSimpleBroker("/topic");
            registry.setApplicationDestinationPrefixes("/app");
        }
    }

    @Controller
    static class Shouts {
        @MessageMapping("/shout")
        @SendTo("/topic/shouts")
        public String shout(String text) {
            return text.toUpperCase(java.util.Locale.ROOT);
        }
    }

    @RestController
    static class News {
        private final SimpMessagingTemplate template;

        News(SimpMessagingTemplate template) {
            this.template = template;
        }

        @PostMapping("/news")
        public String publish(@RequestBody String text) {
            template.convertAndSend("/topic/news", text);
            return "sent";
        }
    }
}
