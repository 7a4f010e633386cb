package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The background expiry of idle sessions keeps running whatever application code it calls does. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@LeakChecked
class SessionExpiryTest {

    static final Map<String, CountDownLatch> destroyed = new ConcurrentHashMap<>();

    static CountDownLatch destroyedLatch(String label) {
        return destroyed.computeIfAbsent(label, k -> new CountDownLatch(1));
    }

    @Test
    void aThrowingUnbindListenerDoesNotStopTheExpirySweep() throws Exception {
        ServletContainer container = new ServletContainer().sessionExpiryInterval(Duration.ofMillis(50));
        container.addInitializer((classes, context) -> {
            context.addListener(new HttpSessionListener() {
                @Override
                public void sessionDestroyed(HttpSessionEvent event) {
                    destroyedLatch((String) event.getSession().getAttribute("label")).countDown();
                }
            });
            context.addServlet("session", new LambdaServlet((req, res) -> {
                String label = req.getParameter("label");
                HttpSession session = req.getSession(label != null);
                if (session == null) {
                    res.getWriter().print("none");
                    return;
                }
                session.setMaxInactiveInterval(1);
                session.setAttribute("label", label);
                if (req.getParameter("poison") != null) {
                    session.setAttribute("poison", new HttpSessionBindingListener() {
                        @Override
                        public void valueUnbound(HttpSessionBindingEvent event) {
                            throw new AssertionError("unbinding failed");
                        }
                    });
                }
                res.getWriter().print("id=" + session.getId());
            })).addMapping("/session");
        });
        try (ServletTestServer server = new ServletTestServer(container)) {
            HttpResponse<String> poisoned = server.get("/session?label=first&poison=yes");
            assertThat(destroyedLatch("first").await(20, TimeUnit.SECONDS)).isTrue();
            String cookie = poisoned.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            assertThat(server.send(server.request("/session").header("Cookie", cookie).build()).body()).isEqualTo("none");

            // the sweep survived the Error thrown while expiring the first session
            server.get("/session?label=second");
            assertThat(destroyedLatch("second").await(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void sessionTimeoutOfZeroOrLessMeansNever() {
        assertThat(new ServletContainer().sessionTimeout(Duration.ofMinutes(-1)).context().getSessionTimeout()).isZero();
        assertThat(new ServletContainer().sessionTimeout(Duration.ZERO).context().getSessionTimeout()).isZero();
        assertThat(new ServletContainer().sessionTimeout(Duration.ofSeconds(30)).context().getSessionTimeout()).isEqualTo(1);
        assertThat(new ServletContainer().sessionTimeout(Duration.ofMinutes(90)).context().getSessionTimeout()).isEqualTo(90);
    }
}
