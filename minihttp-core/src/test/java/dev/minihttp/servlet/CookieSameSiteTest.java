package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.Cookie;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ServletContainer#cookieSameSite}: a SameSite default for cookies that have none of their own. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class CookieSameSiteTest {

    private static ServletTestServer serve(boolean sessionSameSite) throws Exception {
        ServletContainer container = new ServletContainer();
        container.cookieSameSite(cookie -> switch (cookie.getName()) {
            case "tracking" -> "None";
            case "JSESSIONID", "pref" -> "Lax";
            default -> null;
        });
        container.addInitializer((classes, context) -> {
            if (sessionSameSite) {
                context.getSessionCookieConfig().setAttribute("SameSite", "Strict");
            }
            context.addServlet("cookies", new LambdaServlet((req, res) -> {
                Cookie tracking = new Cookie("tracking", "t1");
                tracking.setSecure(true);
                res.addCookie(tracking);
                Cookie pref = new Cookie("pref", "dark");
                pref.setAttribute("SameSite", "Strict");
                res.addCookie(pref);
                res.addCookie(new Cookie("plain", "p"));
                req.getSession(true);
            })).addMapping("/cookies");
        });
        return new ServletTestServer(container);
    }

    private static String cookie(HttpResponse<String> response, String name) {
        List<String> all = response.headers().allValues("Set-Cookie");
        return all.stream().filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow(() -> new AssertionError(all));
    }

    @Test
    void appliesToCookiesWithoutSameSiteAndLeavesExplicitOnesAlone() throws Exception {
        try (ServletTestServer server = serve(false)) {
            HttpResponse<String> response = server.get("/cookies");

            assertThat(cookie(response, "tracking")).isEqualTo("tracking=t1; Secure; SameSite=None");
            assertThat(cookie(response, "pref")).isEqualTo("pref=dark; SameSite=Strict");
            assertThat(cookie(response, "plain")).isEqualTo("plain=p");
            assertThat(cookie(response, "JSESSIONID")).contains("HttpOnly").endsWith("; SameSite=Lax");
        }
    }

    @Test
    void theSessionCookieConfigsOwnSameSiteWins() throws Exception {
        try (ServletTestServer server = serve(true)) {
            String session = cookie(server.get("/cookies"), "JSESSIONID");

            assertThat(session).containsIgnoringCase("SameSite=Strict").doesNotContain("Lax");
        }
    }
}
