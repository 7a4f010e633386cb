package dev.minihttp.boot.metrics;

import dev.minihttp.boot.MiniHttpWebServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Binds {@link MiniHttpMetrics} once the application has started, because only then does the
 * web server exist (it is created during the context refresh, after the registry).
 */
public class MiniHttpMetricsBinder implements ApplicationListener<ApplicationStartedEvent> {

    private final MeterRegistry registry;
    private volatile MiniHttpMetrics metrics;
    /** Held here because Micrometer's function counters keep only a weak reference to it. */
    private volatile TlsHandshakeMetrics tlsMetrics;
    /** Held for the same reason. */
    private volatile WebSocketMetrics webSocketMetrics;
    /** Held for the same reason. */
    private volatile Http2Metrics http2Metrics;

    public MiniHttpMetricsBinder(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onApplicationEvent(ApplicationStartedEvent event) {
        if (event.getApplicationContext() instanceof WebServerApplicationContext context) {
            WebServer webServer = context.getWebServer();
            if (webServer instanceof MiniHttpWebServer miniHttp && metrics == null) {
                MiniHttpMetrics bound = new MiniHttpMetrics(miniHttp::stats, Tags.empty());
                bound.bindTo(registry);
                miniHttp.onException(bound::refresh);
                metrics = bound;
                if (miniHttp.options().listeners().stream().anyMatch(l -> l.isSecure())) {
                    TlsHandshakeMetrics tls = new TlsHandshakeMetrics(miniHttp::tlsHandshakes, Tags.empty());
                    tls.bindTo(registry);
                    tlsMetrics = tls;
                }
                if (miniHttp.options().http2().enabled()) {
                    Http2Metrics http2 = new Http2Metrics(miniHttp::stats, Tags.empty());
                    http2.bindTo(registry);
                    http2Metrics = http2;
                }
                if (miniHttp.webSocketStats() != null) {
                    WebSocketMetrics webSockets = new WebSocketMetrics(miniHttp.webSocketStats(), Tags.empty());
                    webSockets.bindTo(registry);
                    webSocketMetrics = webSockets;
                }
            }
        }
    }
}
