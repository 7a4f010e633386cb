package dev.minihttp.boot.websocket;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerEndpointConfig;
import java.io.IOException;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.Extension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.core.monitoring.ApplicationEventListener;
import org.glassfish.tyrus.server.TyrusServerContainer;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * The Jakarta WebSocket {@code ServerContainer} of one minihttp servlet context, on Tyrus.
 *
 * <p>Endpoints added with {@code addEndpoint} ({@code @ServerEndpoint} classes through Spring's
 * {@code ServerEndpointExporter}) live in one engine, reached through
 * {@link WebSocketUpgradeFilter}. {@link #upgradeHttpToWebSocket} (Jakarta WebSocket 2.1, which
 * Spring's {@code StandardWebSocketUpgradeStrategy} calls with a new endpoint per connection)
 * runs the handshake on an engine of its own holding only that endpoint: Tyrus 2.2.0's servlet
 * container does not register the given configuration at all, and registering it in the shared
 * engine would make two handshakes on one path collide.
 */
public final class MiniHttpServerContainer extends TyrusServerContainer {

    private final String contextPath;
    private final int maxMessageSize;
    private final WebSocketStats stats;
    private final ApplicationEventListener events;
    private final TyrusWebSocketEngine engine;
    private final IdlePings idlePings;
    /** Null when compression is off. */
    private final PerMessageDeflate deflate;

    /**
     * @param pingInterval how long a session may be quiet before the server pings it; zero for never
     * @param compression  whether permessage-deflate is negotiated when a client offers it
     */
    MiniHttpServerContainer(String contextPath, int maxMessageSize, WebSocketStats stats, java.time.Duration pingInterval,
                            boolean compression) {
        super((java.util.Set<Class<?>>) null);
        this.deflate = compression ? new PerMessageDeflate(maxMessageSize) : null;
        this.idlePings = pingInterval.isZero() ? null : new IdlePings(pingInterval);
        this.contextPath = contextPath;
        this.maxMessageSize = maxMessageSize;
        this.stats = stats;
        this.events = new TyrusEvents(stats);
        this.engine = newEngine();
        setDefaultMaxTextMessageBufferSize(maxMessageSize);
        setDefaultMaxBinaryMessageBufferSize(maxMessageSize);
        doneDeployment(); // nothing is scanned: every endpoint is added at run time and registered at once
    }

    private TyrusWebSocketEngine newEngine() {
        return TyrusWebSocketEngine.builder(this)
                .incomingBufferSize(maxMessageSize)
                .applicationEventListener(events)
                .build();
    }

    @Override
    public void register(Class<?> endpointClass) throws DeploymentException {
        engine.register(endpointClass, contextPath);
    }

    @Override
    public void register(ServerEndpointConfig serverEndpointConfig) throws DeploymentException {
        engine.register(serverEndpointConfig, contextPath);
    }

    /** What every endpoint offers, as on Tomcat: annotated endpoints get it from here. */
    @Override
    public Set<Extension> getInstalledExtensions() {
        return deflate == null ? Set.of() : Set.of(deflate);
    }

    /** Whether a client's extension offer may reach Tyrus's negotiation (one it cannot honour is dropped). */
    boolean offerAcceptable(String offer) {
        return deflate == null || PerMessageDeflate.acceptable(offer);
    }

    @Override
    public WebSocketEngine getWebSocketEngine() {
        return engine;
    }

    /**
     * Tyrus's frame buffer per connection: one whole frame (a larger one is refused with 1009 by
     * the {@link FrameGuard} before Tyrus sees it) plus its header and the next frame's start.
     */
    int incomingBufferSize() {
        return maxMessageSize + 64 * 1024;
    }

    int maxMessageSize() {
        return maxMessageSize;
    }

    WebSocketStats stats() {
        return stats;
    }

    /** Null when the ping interval is off. */
    IdlePings idlePings() {
        return idlePings;
    }

    /** The servlet context is going: the ping thread ends with it. */
    void destroyed() {
        if (idlePings != null) {
            idlePings.stop();
        }
    }

    TyrusWebSocketEngine sharedEngine() {
        return engine;
    }

    @Override
    public void upgradeHttpToWebSocket(Object httpServletRequest, Object httpServletResponse, ServerEndpointConfig sec,
                                       Map<String, String> pathParameters) throws IOException, DeploymentException {
        TyrusWebSocketEngine single = newEngine();
        single.register(withCompression(sec), "");
        String path = sec.getPath();
        for (Map.Entry<String, String> parameter : pathParameters.entrySet()) {
            path = path.replace("{" + parameter.getKey() + "}", parameter.getValue());
        }
        WebSocketHandshake.Outcome outcome;
        try {
            outcome = WebSocketHandshake.run(single, (HttpServletRequest) httpServletRequest,
                    (HttpServletResponse) httpServletResponse, path, this);
        } catch (ServletException e) {
            throw new DeploymentException(e.getMessage(), e);
        }
        if (outcome == WebSocketHandshake.Outcome.NOT_APPLICABLE) {
            throw new DeploymentException("not a WebSocket handshake for " + path);
        }
    }

    /**
     * Spring's per-connection configuration with our permessage-deflate in its extensions. Spring
     * selects the client's offers whose name and parameters equal an installed extension's, so
     * Chromium's {@code permessage-deflate; client_max_window_bits} never matches the plain
     * installed one, and what it selects are descriptions Tyrus cannot run. Tyrus negotiates with
     * the request's offers itself, so ours goes in whenever compression is on (as Tomcat's own
     * container negotiates for every endpoint); a client that offered none gets none.
     */
    private ServerEndpointConfig withCompression(ServerEndpointConfig sec) {
        if (deflate == null) {
            return sec;
        }
        List<Extension> extensions = new ArrayList<>();
        extensions.add(deflate);
        for (Extension extension : sec.getExtensions()) {
            if (!PerMessageDeflate.NAME.equals(extension.getName())) {
                extensions.add(extension);
            }
        }
        return new ServerEndpointConfig() {
            @Override
            public Class<?> getEndpointClass() {
                return sec.getEndpointClass();
            }

            @Override
            public String getPath() {
                return sec.getPath();
            }

            @Override
            public List<String> getSubprotocols() {
                return sec.getSubprotocols();
            }

            @Override
            public List<Extension> getExtensions() {
                return extensions;
            }

            @Override
            public ServerEndpointConfig.Configurator getConfigurator() {
                return sec.getConfigurator();
            }

            @Override
            public List<Class<? extends Encoder>> getEncoders() {
                return sec.getEncoders();
            }

            @Override
            public List<Class<? extends Decoder>> getDecoders() {
                return sec.getDecoders();
            }

            @Override
            public Map<String, Object> getUserProperties() {
                return sec.getUserProperties();
            }
        };
    }
}
