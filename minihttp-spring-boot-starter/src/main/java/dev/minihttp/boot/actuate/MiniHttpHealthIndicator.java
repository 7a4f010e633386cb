package dev.minihttp.boot.actuate;

import dev.minihttp.boot.MiniHttpWebServer;
import dev.minihttp.server.ServerStats;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;

/**
 * DOWN when the server is not running or after an {@link Error} (OutOfMemoryError,
 * StackOverflowError...) on a worker; never merely because it is busy, since a load balancer
 * taking a busy instance out of rotation only moves the load and makes it worse.
 */
public class MiniHttpHealthIndicator implements HealthIndicator {

    private final ApplicationContext context;

    public MiniHttpHealthIndicator(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public Health health() {
        MiniHttpWebServer server = MiniHttpWebServers.find(context);
        if (server == null) {
            return Health.unknown().withDetail("reason", "minihttp is not this application's web server").build();
        }
        ServerStats stats = server.stats();
        Health.Builder health = stats.running() ? Health.up() : Health.down().withDetail("reason", "not running");
        if (stats.errors() > 0) {
            health.down().withDetail("errors", stats.errors()).withDetail("lastError", stats.lastError());
        }
        return health.withDetail("threadsBusy", stats.busyThreads())
                .withDetail("threadsMax", stats.maxThreads())
                .withDetail("queueSize", stats.queueSize())
                .withDetail("queueCapacity", stats.queueCapacity())
                .withDetail("connections", stats.connections())
                .withDetail("rejected", stats.rejected())
                .build();
    }
}
