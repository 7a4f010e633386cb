package dev.minihttp.boot.actuate;

import dev.minihttp.boot.MiniHttpWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/** Finds the application's minihttp server; endpoint and health look it up when asked, as it starts late. */
final class MiniHttpWebServers {

    private MiniHttpWebServers() {
    }

    static MiniHttpWebServer find(ApplicationContext context) {
        if (context instanceof WebServerApplicationContext web && web.getWebServer() instanceof MiniHttpWebServer server) {
            return server;
        }
        return null;
    }
}
