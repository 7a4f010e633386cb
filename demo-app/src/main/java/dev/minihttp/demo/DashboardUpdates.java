package dev.minihttp.demo;

import dev.minihttp.boot.actuate.MiniHttpEndpoint;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dashboard's data, pushed: every second the same JSON as {@code /actuator/minihttp} goes to
 * each open {@code /dashboard/updates} WebSocket. The sends run on the demo's scheduler thread, not
 * on a minihttp worker, so the page keeps moving while its own "Generate load" saturates the pool;
 * the handshake is on a reserved-lane path ({@code /dashboard/**}), so the socket's own callbacks
 * run on the lane too and open while the pool and its queue are full. The page falls back to polling
 * actuator when the socket cannot open.
 */
@Configuration
@EnableWebSocket
public class DashboardUpdates extends TextWebSocketHandler implements WebSocketConfigurer, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DashboardUpdates.class);

    private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();
    private final ObjectProvider<MiniHttpEndpoint> endpoint;
    private final ScheduledExecutorService scheduler;
    private final JsonMapper json = JsonMapper.builder().build();
    private volatile java.util.concurrent.ScheduledFuture<?> ticking;

    DashboardUpdates(ObjectProvider<MiniHttpEndpoint> endpoint, ScheduledExecutorService sseScheduler) {
        this.endpoint = endpoint;
        this.scheduler = sseScheduler;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(this, "/dashboard/updates");
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        // A slow browser never holds the scheduler long: sends beyond 2 s or 512 KiB close its socket.
        WebSocketSession decorated = new ConcurrentWebSocketSessionDecorator(session, 2000, 512 * 1024);
        sessions.add(decorated);
        scheduler.execute(() -> send(decorated, snapshot())); // the first update at once, not in a second
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        sessions.removeIf(s -> s.getId().equals(session.getId()));
    }

    private TextMessage snapshot() {
        MiniHttpEndpoint source = endpoint.getIfAvailable();
        return source == null ? null : new TextMessage(json.writeValueAsString(source.minihttp()));
    }

    private void push() {
        if (sessions.isEmpty()) {
            return;
        }
        TextMessage message = snapshot();
        for (WebSocketSession session : sessions) {
            send(session, message);
        }
    }

    private void send(WebSocketSession session, TextMessage message) {
        if (message == null) {
            return;
        }
        try {
            session.sendMessage(message);
        } catch (IOException | RuntimeException e) {
            log.debug("Dashboard socket {} dropped: {}", session.getId(), e.toString());
            sessions.remove(session);
        }
    }

    @Override
    public void start() {
        ticking = scheduler.scheduleAtFixedRate(() -> {
            try {
                push();
            } catch (RuntimeException e) {
                log.warn("Could not push the dashboard update", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        java.util.concurrent.ScheduledFuture<?> current = ticking;
        if (current != null) {
            current.cancel(false);
        }
        ticking = null;
    }

    @Override
    public boolean isRunning() {
        return ticking != null;
    }
}
