package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import jakarta.servlet.SessionTrackingMode;
import jakarta.servlet.http.HttpSession;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Session tracking by {@code ;jsessionid=} path parameters: reading the id from the URL,
 * keeping it out of the mapped path, and rewriting URLs on Tomcat's conditions.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class UrlSessionTrackingTest {

    /** A context at /shop: /shop/s creates a session and reports what the container saw. */
    private static ServletTestServer start(Consumer<jakarta.servlet.ServletContext> configure) throws Exception {
        ServletContainer container = new ServletContainer("/shop");
        container.addInitializer((classes, context) -> {
            configure.accept(context);
            context.addServlet("s", new LambdaServlet((req, res) -> {
                HttpSession session = req.getSession(!"peek".equals(req.getParameter("action")));
                if ("rotate".equals(req.getParameter("action"))) {
                    req.changeSessionId();
                }
                String target = req.getParameter("url");
                res.getWriter().print("session=" + (session == null ? "none" : session.getId())
                        + " requested=" + req.getRequestedSessionId()
                        + " fromUrl=" + req.isRequestedSessionIdFromURL()
                        + " fromCookie=" + req.isRequestedSessionIdFromCookie()
                        + " valid=" + req.isRequestedSessionIdValid()
                        + " servletPath=" + req.getServletPath()
                        + " encoded=" + (target == null ? "" : res.encodeURL(target))
                        + " redirect=" + (target == null ? "" : res.encodeRedirectURL(target)));
            })).addMapping("/s");
        });
        return new ServletTestServer(container);
    }

    private static String field(HttpResponse<String> response, String name) {
        for (String part : response.body().split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        throw new AssertionError(name + " not in " + response.body());
    }

    @Test
    void defaultTrackingModesAreCookieAndUrlAsOnTomcat() throws Exception {
        ServletContainer container = new ServletContainer();
        container.initialize();
        try {
            assertThat(container.context().getDefaultSessionTrackingModes())
                    .containsExactlyInAnyOrder(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
            assertThat(container.context().getEffectiveSessionTrackingModes())
                    .containsExactlyInAnyOrder(SessionTrackingMode.COOKIE, SessionTrackingMode.URL);
            // Null until set (the Servlet API's contract and Tomcat's answer); the cookie is still JSESSIONID.
            assertThat(container.context().getSessionCookieConfig().getName()).isNull();
            assertThat(container.sessionCookieName()).isEqualTo("JSESSIONID");
        } finally {
            container.stop();
        }
    }

    @Test
    void aNewSessionRewritesSameContextUrlsOnly() throws Exception {
        try (ServletTestServer server = start(context -> { })) {
            HttpResponse<String> first = server.get("/shop/s?url=cart%3Fitem%3D3%23top");
            String id = field(first, "session");
            assertThat(field(first, "encoded")).isEqualTo("cart;jsessionid=" + id + "?item=3#top");
            assertThat(field(first, "redirect")).isEqualTo("cart;jsessionid=" + id + "?item=3#top");
            // The cookie is still offered: the next request tells which one the client keeps.
            assertThat(first.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("JSESSIONID=" + id);

            String port = String.valueOf(server.server.port());
            assertThat(field(server.get("/shop/s?url=/shop/a"), "encoded")).contains("/shop/a;jsessionid=");
            assertThat(field(server.get("/shop/s?url=http://127.0.0.1:" + port + "/shop"), "encoded"))
                    .startsWith("http://127.0.0.1:" + port + "/shop;jsessionid=");
            // Another context, host, port or scheme, or an in-page anchor: never rewritten (the id would leak).
            assertThat(field(server.get("/shop/s?url=/other/a"), "encoded")).isEqualTo("/other/a");
            assertThat(field(server.get("/shop/s?url=/shopping"), "encoded")).isEqualTo("/shopping");
            assertThat(field(server.get("/shop/s?url=http://example.com/shop/a"), "encoded"))
                    .isEqualTo("http://example.com/shop/a");
            assertThat(field(server.get("/shop/s?url=https://127.0.0.1:" + port + "/shop/a"), "encoded"))
                    .isEqualTo("https://127.0.0.1:" + port + "/shop/a");
            assertThat(field(server.get("/shop/s?url=%23top"), "encoded")).isEqualTo("#top");
        }
    }

    @Test
    void theIdInThePathJoinsTheSessionAndIsNotPartOfTheMappedPath() throws Exception {
        try (ServletTestServer server = start(context -> { })) {
            String id = field(server.get("/shop/s"), "session");
            HttpResponse<String> again = server.get("/shop/s;jsessionid=" + id + "?action=peek&url=next");
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(field(again, "session")).isEqualTo(id);
            assertThat(field(again, "requested")).isEqualTo(id);
            assertThat(field(again, "fromUrl")).isEqualTo("true");
            assertThat(field(again, "fromCookie")).isEqualTo("false");
            assertThat(field(again, "valid")).isEqualTo("true");
            assertThat(field(again, "servletPath")).isEqualTo("/s");
            // Still not known to travel by cookie: links keep carrying it.
            assertThat(field(again, "encoded")).isEqualTo("next;jsessionid=" + id);
            // A URL that already carries it is not rewritten twice.
            assertThat(field(server.get("/shop/s;jsessionid=" + id + "?url=/shop/s;jsessionid=" + id), "encoded"))
                    .isEqualTo("/shop/s;jsessionid=" + id);
            assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void aCookieWinsOverTheUrlAndStopsTheRewriting() throws Exception {
        try (ServletTestServer server = start(context -> { })) {
            String id = field(server.get("/shop/s"), "session");
            HttpResponse<String> withCookie = server.send(server.request("/shop/s;jsessionid=STALE?url=next")
                    .header("Cookie", "JSESSIONID=" + id).build());
            assertThat(field(withCookie, "session")).isEqualTo(id);
            assertThat(field(withCookie, "fromCookie")).isEqualTo("true");
            assertThat(field(withCookie, "fromUrl")).isEqualTo("false");
            assertThat(field(withCookie, "encoded")).isEqualTo("next");
        }
    }

    @Test
    void theParameterFollowsAConfiguredCookieName() throws Exception {
        try (ServletTestServer server = start(context -> context.getSessionCookieConfig().setName("SHOPID"))) {
            HttpResponse<String> first = server.get("/shop/s?url=next");
            String id = field(first, "session");
            assertThat(field(first, "encoded")).isEqualTo("next;SHOPID=" + id);
            assertThat(field(server.get("/shop/s;SHOPID=" + id + "?action=peek"), "session")).isEqualTo(id);
            assertThat(field(server.get("/shop/s;jsessionid=" + id + "?action=peek"), "session")).isEqualTo("none");
        }
    }

    @Test
    void cookieOnlyTrackingNeitherReadsNorWritesUrls() throws Exception {
        try (ServletTestServer server = start(context -> context.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.COOKIE)))) {
            HttpResponse<String> first = server.get("/shop/s?url=next");
            String id = field(first, "session");
            assertThat(field(first, "encoded")).isEqualTo("next");
            assertThat(field(server.get("/shop/s;jsessionid=" + id + "?action=peek"), "session")).isEqualTo("none");
        }
    }

    @Test
    void urlOnlyTrackingSetsNoCookie() throws Exception {
        try (ServletTestServer server = start(context -> context.setSessionTrackingModes(EnumSet.of(SessionTrackingMode.URL)))) {
            HttpResponse<String> first = server.get("/shop/s?url=next");
            assertThat(first.headers().firstValue("Set-Cookie")).isEmpty();
            String id = field(first, "session");
            assertThat(field(first, "encoded")).isEqualTo("next;jsessionid=" + id);
            HttpResponse<String> rotated = server.get("/shop/s;jsessionid=" + id + "?action=rotate&url=next");
            assertThat(rotated.headers().firstValue("Set-Cookie")).isEmpty();
            String newId = field(rotated, "requested");
            assertThat(newId).isNotEqualTo(id);
            assertThat(field(rotated, "valid")).isEqualTo("true");
            assertThat(field(rotated, "encoded")).isEqualTo("next;jsessionid=" + newId);
        }
    }
}
