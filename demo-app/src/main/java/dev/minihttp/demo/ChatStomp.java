package dev.minihttp.demo;

import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.stereotype.Controller;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * A chat over STOMP, the ordinary Spring way (nothing minihttp-specific): {@code /chat.html}
 * connects to {@code /chat/stomp}, subscribes to {@code /topic/chat} and sends to
 * {@code /app/chat}; the simple broker hands every message to every subscribed page.
 */
@Configuration
@EnableWebSocketMessageBroker
public class ChatStomp implements WebSocketMessageBrokerConfigurer {

    @Override
    public void registerStompEndpoints(StompEndpointRegistry registry) {
        registry.addEndpoint("/chat/stomp");
    }

    @Override
    public void configureMessageBroker(MessageBrokerRegistry registry) {
        registry.enableSimpleBroker("/topic");
        registry.setApplicationDestinationPrefixes("/app");
    }

    @Controller
    static class Chat {
        /** What a page sends is broadcast to every page on the topic. */
        @MessageMapping("/chat")
        @SendTo("/topic/chat")
        public String say(String text) {
            return text;
        }
    }
}
