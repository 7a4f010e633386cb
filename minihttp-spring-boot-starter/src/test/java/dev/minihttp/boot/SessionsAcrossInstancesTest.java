package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.sessionapp.RedisSessionApp;
import dev.minihttp.sessionapp.SessionApp;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scale-out: two minihttp apps behind no sticky balancer, sharing sessions through Spring Session
 * on a real Redis. A session made on one is used on the other; session listeners and
 * changeSessionId behave as Spring Session makes them behave on Tomcat.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionsAcrossInstancesTest {

    static RedisServerProcess redis;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(RedisServerProcess.isInstalled(),
                RedisServerProcess.BINARY + " is not installed (.ci/run installs Debian's redis-server)");
        redis = RedisServerProcess.start();
        a = run("A");
        b = run("B");
    }

    private static ConfigurableApplicationContext run(String name) {
        return new SpringApplication(RedisSessionApp.class).run("--server.port=0", "--app.name=" + name,
                "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redis.port());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static String cookieOf(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String cookie)
            throws Exception {
        return Http.get(port(app), path, "Cookie", cookie);
    }

    @Test
    void aSessionMadeOnOneInstanceIsReadOnTheOther() throws Exception {
        HttpResponse<String> created = Http.get(port(a), "/count");
        String cookie = cookieOf(created);
        assertThat(cookie).startsWith("SESSION=");
        String id = created.body().substring(0, created.body().indexOf(' '));

        assertThat(get(b, "/count", cookie).body()).isEqualTo(id + " 2");
        assertThat(get(a, "/count", cookie).body()).isEqualTo(id + " 3");
    }

    @Test
    void listenersHearOfSessionsMadeAndEndedOnEitherInstance() throws Exception {
        HttpResponse<String> created = Http.get(port(a), "/count");
        String id = created.body().substring(0, created.body().indexOf(' '));
        Http.await(() -> SessionApp.events.contains("A created " + id));
        assertThat(SessionApp.events).contains("A created " + id);

        assertThat(get(b, "/logout", cookieOf(created)).body()).isEqualTo("bye");
        Http.await(() -> SessionApp.events.contains("B destroyed " + id));
        assertThat(SessionApp.events).contains("B destroyed " + id);
        assertThat(get(a, "/count", cookieOf(created)).body()).endsWith(" 1"); // gone on A too: a new session
    }

    @Test
    void changeSessionIdOnOneInstanceMovesTheSessionForBoth() throws Exception {
        HttpResponse<String> created = Http.get(port(a), "/count");
        String oldCookie = cookieOf(created);
        String oldId = created.body().substring(0, created.body().indexOf(' '));

        HttpResponse<String> rotated = get(b, "/rotate", oldCookie);
        assertThat(rotated.body()).startsWith(oldId + " -> ");
        String newId = rotated.body().substring(rotated.body().indexOf("-> ") + 3);
        assertThat(newId).isNotEqualTo(oldId);
        String newCookie = cookieOf(rotated);

        assertThat(get(a, "/count", newCookie).body()).isEqualTo(newId + " 2");
        assertThat(get(a, "/count", oldCookie).body()).doesNotStartWith(oldId).endsWith(" 1");
    }
}
