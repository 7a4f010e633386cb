package dev.minihttp.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the dashboard page ({@code static/index.html}) needs from the application itself: where
 * actuator answers, and a way to start the built-in load generator.
 */
@RestController
public class DashboardController {

    private final Environment environment;
    private final LoadGenerator load;
    private final String actuatorBasePath;

    DashboardController(Environment environment, LoadGenerator load,
                        @Value("${management.server.base-path:}${management.endpoints.web.base-path:/actuator}")
                        String actuatorBasePath) {
        this.environment = environment;
        this.load = load;
        this.actuatorBasePath = actuatorBasePath;
    }

    /**
     * The actuator's port (null when it shares the application's) and path. The page polls it
     * there: on a port of its own, actuator has its own small pool and answers while every worker
     * of the application is busy, which is exactly when the dashboard matters.
     */
    @GetMapping("/dashboard/config")
    public Map<String, Object> config() {
        Integer serverPort = environment.getProperty("local.server.port", Integer.class);
        Integer managementPort = environment.getProperty("local.management.port", Integer.class);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("managementPort", managementPort != null && !managementPort.equals(serverPort) ? managementPort : null);
        config.put("actuatorPath", actuatorBasePath);
        return config;
    }

    /**
     * Starts a bounded load run (one at a time) and answers at once with its plan: {@code seconds}
     * 1..120, {@code concurrency} 1..64 clients, each sending {@code /slow?ms=...} (0..30000) to
     * this app, {@code failPercent} of the requests going to {@code /fail} instead.
     */
    @PostMapping("/load")
    public ResponseEntity<LoadGenerator.Status> startLoad(@RequestParam(defaultValue = "30") int seconds,
                                                          @RequestParam(defaultValue = "32") int concurrency,
                                                          @RequestParam(defaultValue = "500") int ms,
                                                          @RequestParam(defaultValue = "5") int failPercent) {
        int port = environment.getRequiredProperty("local.server.port", Integer.class);
        LoadGenerator.Status status = load.start(new LoadGenerator.Plan(seconds, concurrency, ms, failPercent), port);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(status);
    }

    /** The current or last load run (204 before the first one). */
    @GetMapping("/load")
    public ResponseEntity<LoadGenerator.Status> loadStatus() {
        LoadGenerator.Status status = load.status();
        return status == null ? ResponseEntity.noContent().build() : ResponseEntity.ok(status);
    }
}
