package dev.minihttp.boot.autoconfigure;

import dev.minihttp.boot.MiniHttpServletWebServerFactory;
import dev.minihttp.server.ListenerOptions;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Applies {@code minihttp.*} and the {@code server.*} settings that every server applies itself
 * (Boot's shared customizer leaves them out): the request header size limit, the native
 * forward-headers strategy, and the graceful shutdown timeout.
 */
public class MiniHttpServletWebServerFactoryCustomizer
        implements WebServerFactoryCustomizer<MiniHttpServletWebServerFactory>, Ordered {

    private final Environment environment;
    private final ServerProperties serverProperties;
    private final MiniHttpProperties properties;

    public MiniHttpServletWebServerFactoryCustomizer(Environment environment, ServerProperties serverProperties,
                                                     MiniHttpProperties properties) {
        this.environment = environment;
        this.serverProperties = serverProperties;
        this.properties = properties;
    }

    /** Same as Boot's own server customizers: after the shared one, before user customizers at lower precedence. */
    @Override
    public int getOrder() {
        return 0;
    }

    @Override
    public void customize(MiniHttpServletWebServerFactory factory) {
        boolean virtualThreadsByDefault = environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false);
        var options = properties.applyTo(factory.getServerOptions().toBuilder(), virtualThreadsByDefault);
        long headerSize = serverProperties.getMaxHttpRequestHeaderSize().toBytes();
        if (headerSize > 0) {
            options.maxRequestHeadSize((int) Math.min(Integer.MAX_VALUE, headerSize));
        }
        List<String> lanePaths = properties.getReservedLane().getPaths();
        options.reservedPaths(lanePaths != null ? lanePaths
                : ReservedLanePaths.defaults(environment, getClass().getClassLoader()));
        factory.setServerOptions(options.build());
        factory.setAccessLogEnabled(properties.getAccessLog().isEnabled());
        factory.setAllowTrace(properties.isAllowTrace());
        factory.setWebSocket(properties.getWebsocket().isEnabled(),
                (int) properties.getWebsocket().getMaxMessageSize().toBytes());
        factory.setWebSocketPingInterval(properties.getWebsocket().getPingInterval());
        factory.setWebSocketCompression(properties.getWebsocket().isCompression());
        addAdditionalPorts(factory);
        factory.setUseForwardHeaders(useForwardHeaders());
        factory.setShutdownTimeout(environment.getProperty("spring.lifecycle.timeout-per-shutdown-phase",
                Duration.class, Duration.ofSeconds(30)));
    }

    /** minihttp.additional-ports: cleartext listeners on server.address, named after their port. */
    private void addAdditionalPorts(MiniHttpServletWebServerFactory factory) {
        java.net.InetAddress address = serverProperties.getAddress();
        String host = address != null ? address.getHostAddress() : "0.0.0.0";
        for (Integer port : properties.getAdditionalPorts()) {
            factory.addAdditionalListeners(ListenerOptions.plain("additional-" + port, host, port));
        }
    }

    private boolean useForwardHeaders() {
        ServerProperties.ForwardHeadersStrategy strategy = serverProperties.getForwardHeadersStrategy();
        if (strategy == null) {
            // Boot's rule: behind a cloud platform's router the headers are trustworthy by default.
            CloudPlatform platform = CloudPlatform.getActive(environment);
            return platform != null && platform.isUsingForwardHeaders();
        }
        return strategy == ServerProperties.ForwardHeadersStrategy.NATIVE;
    }
}
