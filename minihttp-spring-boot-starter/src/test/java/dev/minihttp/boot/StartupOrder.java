package dev.minihttp.boot;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Records when a load-on-startup servlet is initialised relative to the refresh of the
 * application context: after every singleton exists ({@link SmartInitializingSingleton}, which
 * Spring calls after the web server was created and before it is started) and before Boot
 * announces the running server ({@link WebServerInitializedEvent}). Only with test.startup-order.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("test.startup-order")
class StartupOrder {

    static final List<String> events = new CopyOnWriteArrayList<>();

    @Bean
    ServletRegistrationBean<HttpServlet> eagerServlet() {
        ServletRegistrationBean<HttpServlet> registration = new ServletRegistrationBean<>(new HttpServlet() {
            @Override
            public void init() {
                events.add("servlet init");
            }

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
                res.getWriter().print("eager servlet");
            }
        }, "/eager");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    SmartInitializingSingleton singletonsInstantiated() {
        return () -> events.add("singletons instantiated");
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> webServerInitialized() {
        return event -> events.add("web server initialized");
    }
}
