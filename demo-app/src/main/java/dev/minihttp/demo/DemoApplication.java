package dev.minihttp.demo;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A plain Spring MVC application that runs on minihttp because its pom swaps Tomcat for
 * {@code minihttp-spring-boot-starter}. Nothing in the controllers knows which server runs them;
 * {@code application.yml} sizes the pool and the queue, and the dashboard at {@code /} watches
 * them through actuator, served on a separate management port so that it keeps answering while
 * every worker of the application's pool is busy.
 *
 * <p>Run it with {@code mvn -q -pl demo-app -am compile exec:java} and open http://localhost:8080/.
 */
@SpringBootApplication
public class DemoApplication {

    public static void main(String[] args) {
        SpringApplication.run(DemoApplication.class, args);
    }

    /** Sends the /sse events, so a stream holds no worker between two events. */
    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService sseScheduler() {
        return Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "demo-sse");
            thread.setDaemon(true);
            return thread;
        });
    }
}
