package dev.minihttp.boot.autoconfigure.actuate;

import dev.minihttp.boot.actuate.MiniHttpEndpoint;
import dev.minihttp.boot.actuate.MiniHttpHealthIndicator;
import dev.minihttp.server.MiniHttpServer;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code minihttp} actuator endpoint and health indicator, each only when its actuator module is present. */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(MiniHttpServer.class)
public final class MiniHttpActuatorAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MiniHttpEndpoint.class, ConditionalOnAvailableEndpoint.class,
            org.springframework.boot.actuate.endpoint.annotation.Endpoint.class})
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        MiniHttpEndpoint miniHttpEndpoint(ApplicationContext context) {
            return new MiniHttpEndpoint(context);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    static class HealthConfiguration {

        /** Named so that the health contributor is called "minihttp". */
        @Bean
        @ConditionalOnMissingBean(name = "minihttpHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("minihttp")
        MiniHttpHealthIndicator minihttpHealthIndicator(ApplicationContext context) {
            return new MiniHttpHealthIndicator(context);
        }
    }
}
