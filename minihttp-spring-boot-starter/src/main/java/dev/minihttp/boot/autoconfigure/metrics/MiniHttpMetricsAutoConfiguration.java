package dev.minihttp.boot.autoconfigure.metrics;

import dev.minihttp.boot.metrics.MiniHttpMetricsBinder;
import dev.minihttp.server.MiniHttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/** The minihttp meters, whenever the application has a {@link MeterRegistry}; no switch needed. */
@AutoConfiguration(afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnWebApplication
@ConditionalOnClass({MeterRegistry.class, MiniHttpServer.class})
@ConditionalOnBean(MeterRegistry.class)
public final class MiniHttpMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    MiniHttpMetricsBinder miniHttpMetricsBinder(MeterRegistry registry) {
        return new MiniHttpMetricsBinder(registry);
    }
}
