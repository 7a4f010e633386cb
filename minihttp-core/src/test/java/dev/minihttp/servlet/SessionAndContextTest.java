package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import jakarta.servlet.ServletContextAttributeEvent;
import jakarta.servlet.ServletContextAttributeListener;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sessions, context listeners and attributes, resources and the default servlet. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class SessionAndContextTest {

    @TempDir
    static Path docRoot;
    static ServletTestServer server;
    static final List<String> events = new CopyOnWriteArrayList<>();
    static final CountDownLatch expired = new CountDownLatch(1);
    static final CountDownLatch contextDestroyed = new CountDownLatch(1);

    static final class Listeners implements ServletContextListener, ServletContextAttributeListener,
            ServletRequestListener, HttpSessionListener, HttpSessionIdListener {
        @Override
        public void contextInitialized(ServletContextEvent event) {
            events.add("context:init " + event.getServletContext().getInitParameter("greeting"));
            event.getServletContext().setAttribute("startedBy", "listener");
        }

        @Override
        public void contextDestroyed(ServletContextEvent event) {
            contextDestroyed.countDown();
        }

        @Override
        public void attributeAdded(ServletContextAttributeEvent event) {
            events.add("attribute:" + event.getName());
        }

        @Override
        public void requestInitialized(ServletRequestEvent event) {
            events.add("request:init");
        }

        @Override
        public void requestDestroyed(ServletRequestEvent event) {
            events.add("request:destroyed");
        }

        @Override
        public void sessionCreated(HttpSessionEvent event) {
            events.add("session:created");
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent event) {
            events.add("session:destroyed");
            if (event.getSession().getMaxInactiveInterval() == 1) {
                expired.countDown();
            }
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
            events.add("session:idChanged");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(docRoot.resolve("hello.txt"), "from the document root");
        Files.writeString(docRoot.resolve("data.custom"), "custom type");
        ServletContainer container = new ServletContainer();
        container.documentRoot(docRoot).registerDefaultServlet(true)
                .addMimeType("custom", "application/x-custom")
                .sessionExpiryInterval(Duration.ofMillis(100));
        container.addInitializer((classes, context) -> {
            context.setInitParameter("greeting", "hi");
            context.addListener(new Listeners());
            context.getSessionCookieConfig().setName("SID");
            context.getSessionCookieConfig().setAttribute("SameSite", "Lax");
            context.addServlet("session", new LambdaServlet((req, res) -> {
                String action = req.getParameter("action");
                HttpSession session = req.getSession(!"peek".equals(action));
                if ("short".equals(action)) {
                    session.setMaxInactiveInterval(1);
                } else if ("rotate".equals(action)) {
                    res.getWriter().print("old=" + session.getId() + " new=" + req.changeSessionId());
                    return;
                }
                res.getWriter().print(session == null ? "none" : "id=" + session.getId() + " new=" + session.isNew());
            })).addMapping("/session");
            context.addServlet("context", new LambdaServlet((req, res) -> {
                var ctx = req.getServletContext();
                res.getWriter().print("version=" + ctx.getEffectiveMajorVersion() + "." + ctx.getEffectiveMinorVersion()
                        + " attr=" + ctx.getAttribute("startedBy")
                        + " mime=" + ctx.getMimeType("a/b.CSS") + "," + ctx.getMimeType("x.custom")
                        + " classpath=" + new String(ctx.getResourceAsStream("/assets/page.html").readAllBytes()).trim()
                        + " docroot=" + ctx.getResource("/hello.txt").getProtocol()
                        + " escape=" + ctx.getResource("/../../etc/passwd")
                        + " paths=" + ctx.getResourcePaths("/"));
            })).addMapping("/context");
            context.addServlet("named", new LambdaServlet((req, res) -> {
                req.getServletContext().getNamedDispatcher("context").include(req, res);
            })).addMapping("/named");
        });
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        assertThat(contextDestroyed.await(5, TimeUnit.SECONDS)).isTrue();
    }

    private static String cookieOf(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void sessionCookieFollowsTheCookieConfig() throws Exception {
        HttpResponse<String> first = server.get("/session");
        assertThat(first.body()).startsWith("id=").endsWith("new=true");
        assertThat(first.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith("SID=").contains("; HttpOnly", "; SameSite=Lax", "; Path=/");
        HttpResponse<String> second = server.send(server.request("/session").header("Cookie", cookieOf(first)).build());
        assertThat(second.body()).isEqualTo(first.body().replace("new=true", "new=false"));
        assertThat(events).contains("context:init hi", "session:created", "request:init", "request:destroyed");
    }

    @Test
    void changeSessionIdIssuesANewCookie() throws Exception {
        HttpResponse<String> first = server.get("/session");
        String cookie = cookieOf(first);
        HttpResponse<String> rotated = server.send(server.request("/session?action=rotate").header("Cookie", cookie).build());
        String newCookie = cookieOf(rotated);
        assertThat(newCookie).isNotEqualTo(cookie);
        assertThat(rotated.body()).isEqualTo("old=" + cookie.substring(4) + " new=" + newCookie.substring(4));
        assertThat(server.send(server.request("/session?action=peek").header("Cookie", cookie).build()).body()).isEqualTo("none");
        assertThat(server.send(server.request("/session?action=peek").header("Cookie", newCookie).build()).body())
                .startsWith("id=" + newCookie.substring(4));
        assertThat(events).contains("session:idChanged");
    }

    @Test
    void idleSessionsExpireInTheBackground() throws Exception {
        HttpResponse<String> first = server.get("/session?action=short");
        assertThat(expired.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(server.send(server.request("/session?action=peek").header("Cookie", cookieOf(first)).build()).body())
                .isEqualTo("none");
    }

    @Test
    void contextReportsVersionAttributesMimeTypesAndResources() throws Exception {
        assertThat(server.get("/context").body()).isEqualTo("version=6.1 attr=listener mime=text/css,application/x-custom"
                + " classpath=<h1>from META-INF/resources</h1> docroot=file escape=null paths=[/data.custom, /hello.txt]");
        assertThat(events).contains("attribute:startedBy");
    }

    @Test
    void namedDispatcherIncludesAServletByName() throws Exception {
        assertThat(server.get("/named").body()).startsWith("version=6.1");
    }

    @Test
    void defaultServletServesDocumentRootAndClasspathResources() throws Exception {
        HttpResponse<String> text = server.get("/hello.txt");
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("from the document root");
        assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        HttpResponse<String> page = server.get("/assets/page.html");
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(server.get("/missing.txt").statusCode()).isEqualTo(404);
        assertThat(server.get("/data.custom").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("application/x-custom");
    }
}
