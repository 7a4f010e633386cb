package dev.minihttp.boot.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A plain Spring MVC application, as a user would have it; nothing minihttp-specific. */
@SpringBootApplication
public class ItApp {

    /**
     * Web servers as Boot announced them, by namespace ("management" for actuator's child context,
     * whose events reach this, the parent, context's listeners too).
     */
    static final Map<String, WebServer> servers = new ConcurrentHashMap<>();

    @Bean
    ApplicationListener<WebServerInitializedEvent> recordWebServers() {
        return event -> servers.put(String.valueOf(event.getApplicationContext().getServerNamespace()),
                event.getWebServer());
    }

    @RestController
    static class Hello {
        @GetMapping("/hello")
        String hello() {
            return "hello from " + Thread.currentThread().getName();
        }
    }
}
