package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.io.Serializable;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Persistent sessions: written when the context stops, read back when the next one starts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class SessionPersistenceTest {

    static final List<String> events = new CopyOnWriteArrayList<>();

    @TempDir
    Path storeDir;

    /** A Serializable attribute that notes when it is passivated and activated. */
    static final class Basket implements Serializable, HttpSessionActivationListener {
        final String items;

        Basket(String items) {
            this.items = items;
        }

        @Override
        public void sessionWillPassivate(HttpSessionEvent event) {
            events.add("passivate " + items);
        }

        @Override
        public void sessionDidActivate(HttpSessionEvent event) {
            events.add("activate " + items);
        }
    }

    /** Not Serializable: a persisted session goes without it. */
    static final class Connection {
    }

    @BeforeEach
    void clear() {
        events.clear();
    }

    private ServletTestServer start(boolean persistent) throws Exception {
        ServletContainer container = new ServletContainer();
        if (persistent) {
            container.persistentSessions(storeDir.resolve("SESSIONS.ser"));
        }
        container.addInitializer((classes, context) -> {
            context.addListener(new HttpSessionListener() {
                @Override
                public void sessionCreated(HttpSessionEvent event) {
                    events.add("created");
                }

                @Override
                public void sessionDestroyed(HttpSessionEvent event) {
                    events.add("destroyed");
                }
            });
            context.addServlet("s", new LambdaServlet((req, res) -> {
                String items = req.getParameter("put");
                HttpSession session = req.getSession(items != null);
                if (items != null) {
                    session.setAttribute("basket", new Basket(items));
                    session.setAttribute("connection", new Connection());
                    session.setAttribute("user", "ada");
                    if (req.getParameter("short") != null) {
                        session.setMaxInactiveInterval(1);
                    }
                }
                if (session == null) {
                    res.getWriter().print("none");
                    return;
                }
                Basket basket = (Basket) session.getAttribute("basket");
                res.getWriter().print(session.getId() + " basket=" + (basket == null ? null : basket.items)
                        + " user=" + session.getAttribute("user") + " connection=" + session.getAttribute("connection")
                        + " created=" + session.getCreationTime());
            })).addMapping("/s");
        });
        return new ServletTestServer(container);
    }

    private static String cookie(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static HttpResponse<String> get(ServletTestServer server, String path, String cookie) throws Exception {
        return server.send(server.request(path).header("Cookie", cookie).build());
    }

    @Test
    void sessionsSurviveAStopAndTheNextStart() throws Exception {
        String cookie;
        String before;
        try (ServletTestServer first = start(true)) {
            HttpResponse<String> created = first.get("/s?put=apples");
            cookie = cookie(created);
            before = get(first, "/s", cookie).body();
        }
        Path file = storeDir.resolve("SESSIONS.ser");
        assertThat(file).exists();
        // Written out, not ended: no sessionDestroyed, and the attribute heard it is passivated.
        assertThat(events).containsExactly("created", "passivate apples");

        try (ServletTestServer second = start(true)) {
            assertThat(file).doesNotExist();
            String after = get(second, "/s", cookie).body();
            // The same session (id, creation time), its Serializable attributes back, the other one left out.
            assertThat(after).startsWith(before.substring(0, before.indexOf(' ')))
                    .endsWith(before.substring(before.indexOf(" created=")))
                    .contains("basket=apples", "user=ada", "connection=null");
            assertThat(events).containsExactly("created", "passivate apples", "activate apples");
        }
    }

    @Test
    void expiredSessionsAreNotRestored() throws Exception {
        String cookie;
        try (ServletTestServer first = start(true)) {
            cookie = cookie(first.get("/s?put=pears&short=1"));
        }
        Thread.sleep(1_500); // the session's max inactive interval is one second
        try (ServletTestServer second = start(true)) {
            assertThat(get(second, "/s", cookie).body()).isEqualTo("none");
        }
    }

    @Test
    void withoutPersistenceAStopEndsEverySession() throws Exception {
        String cookie;
        try (ServletTestServer first = start(false)) {
            cookie = cookie(first.get("/s?put=plums"));
        }
        assertThat(events).containsExactly("created", "destroyed");
        assertThat(Files.list(storeDir)).isEmpty();
        try (ServletTestServer second = start(false)) {
            assertThat(get(second, "/s", cookie).body()).isEqualTo("none");
        }
    }
}
