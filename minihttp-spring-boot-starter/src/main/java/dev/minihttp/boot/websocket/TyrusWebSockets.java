package dev.minihttp.boot.websocket;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.websocket.server.ServerContainer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Puts Jakarta WebSocket into a minihttp servlet context: the {@link MiniHttpServerContainer} as
 * the {@code jakarta.websocket.server.ServerContainer} attribute (where Spring WebSocket and
 * {@code ServerEndpointExporter} find it) and the handshake filter for its endpoints. Runs before
 * the application's initializers. Done here rather than by Tyrus's own
 * {@code TyrusServletContainerInitializer}, which does nothing unless annotation scanning handed it
 * endpoint classes (minihttp does not scan) and cannot run Spring's per-connection endpoints.
 */
public final class TyrusWebSockets implements ServletContainerInitializer {

    /** The class whose presence means Tyrus is on the classpath. */
    public static final String TYRUS_CLASS = "org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler";

    private final int maxMessageSize;
    private final WebSocketStats stats;
    private final Duration pingInterval;
    private final boolean compression;

    /**
     * @param maxMessageSize the largest message (and frame) accepted; larger ones close the session with 1009
     * @param stats          where sessions, messages and closes are counted
     * @param pingInterval   a session quiet for this long is pinged; zero for never
     * @param compression    whether permessage-deflate (RFC 7692) is negotiated when a client offers it
     */
    public TyrusWebSockets(int maxMessageSize, WebSocketStats stats, Duration pingInterval, boolean compression) {
        if (pingInterval.isNegative()) {
            throw new IllegalArgumentException("the ping interval must not be negative: " + pingInterval);
        }
        this.maxMessageSize = maxMessageSize;
        this.stats = stats;
        this.pingInterval = pingInterval;
        this.compression = compression;
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        MiniHttpServerContainer container = new MiniHttpServerContainer(context.getContextPath(), maxMessageSize, stats,
                pingInterval, compression);
        context.setAttribute(ServerContainer.class.getName(), container);
        context.addListener(new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                container.destroyed();
            }
        });
        FilterRegistration.Dynamic filter = context.addFilter("minihttpWebSocketUpgrade", new WebSocketUpgradeFilter(container));
        filter.setAsyncSupported(true);
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }
}
