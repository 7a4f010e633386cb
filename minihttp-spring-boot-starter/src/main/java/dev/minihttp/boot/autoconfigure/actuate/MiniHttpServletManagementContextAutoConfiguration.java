package dev.minihttp.boot.autoconfigure.actuate;

import dev.minihttp.boot.autoconfigure.MiniHttpServletWebServerAutoConfiguration;
import dev.minihttp.server.MiniHttpServer;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementContextFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/**
 * {@code management.server.port} on its own port: tells actuator to build the child context with
 * our auto-configuration, so the management server is a minihttp server too. Primary, because
 * Tomcat's and Jetty's modules each declare such a factory unconditionally when they are present.
 */
@AutoConfiguration
@ConditionalOnClass({MiniHttpServer.class, ManagementContextFactory.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
public final class MiniHttpServletManagementContextAutoConfiguration {

    @Bean
    @Primary
    static ManagementContextFactory miniHttpServletWebChildContextFactory() {
        return new ManagementContextFactory(WebApplicationType.SERVLET, ServletWebServerFactory.class,
                MiniHttpServletWebServerAutoConfiguration.class);
    }
}
