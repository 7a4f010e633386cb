package dev.minihttp.boot.autoconfigure;

import dev.minihttp.boot.MiniHttpServletWebServerFactory;
import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.servlet.ServletContainer;
import jakarta.servlet.ServletRequest;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.autoconfigure.servlet.ServletWebServerConfiguration;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * minihttp as the servlet web server. Ordered before Tomcat's and Jetty's auto-configurations, so
 * when either is still on the classpath their {@code @ConditionalOnMissingBean} factories back
 * off and minihttp runs. Imports Boot's shared {@link ServletWebServerConfiguration}: the
 * {@code server.*} customizer, the error page registrar and the customizer post-processor that
 * applies every {@code WebServerFactoryCustomizer<MiniHttpServletWebServerFactory>} bean.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
        "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration"})
@ConditionalOnClass({ServletRequest.class, MiniHttpServer.class, ServletContainer.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(MiniHttpProperties.class)
@Import(ServletWebServerConfiguration.class)
public final class MiniHttpServletWebServerAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(value = ServletWebServerFactory.class, search = SearchStrategy.CURRENT)
    MiniHttpServletWebServerFactory miniHttpServletWebServerFactory() {
        return new MiniHttpServletWebServerFactory();
    }

    @Bean
    MiniHttpServletWebServerFactoryCustomizer miniHttpServletWebServerFactoryCustomizer(Environment environment,
            ServerProperties serverProperties, MiniHttpProperties properties) {
        return new MiniHttpServletWebServerFactoryCustomizer(environment, serverProperties, properties);
    }
}
