package dev.minihttp.sessionapp;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.session.data.redis.config.annotation.web.http.EnableRedisIndexedHttpSession;

/**
 * {@link SessionApp}'s controllers with Spring Session on Redis: the indexed repository, the one
 * that publishes session events, turned into {@link HttpSessionListener} calls by Spring Session's
 * adapter. {@code app.name} tells the instances apart in {@link SessionApp#events}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableRedisIndexedHttpSession
@Import(SessionApp.SessionController.class)
public class RedisSessionApp {

    @Bean
    HttpSessionListener recordingSessionListener(@Value("${app.name}") String name) {
        return new HttpSessionListener() {
            @Override
            public void sessionCreated(HttpSessionEvent event) {
                SessionApp.events.add(name + " created " + event.getSession().getId());
            }

            @Override
            public void sessionDestroyed(HttpSessionEvent event) {
                SessionApp.events.add(name + " destroyed " + event.getSession().getId());
            }
        };
    }
}
