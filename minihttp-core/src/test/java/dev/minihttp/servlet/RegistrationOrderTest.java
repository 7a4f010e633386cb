package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The order of things the application registers: filter chains ({@code isMatchAfter}) and servlet initialisation. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class RegistrationOrderTest {

    private static Filter recording(String name) {
        return (request, response, chain) -> {
            List<String> trail = trail(request);
            trail.add(name);
            chain.doFilter(request, response);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> trail(jakarta.servlet.ServletRequest request) {
        Object trail = request.getAttribute("trail");
        if (trail == null) {
            trail = new CopyOnWriteArrayList<String>();
            request.setAttribute("trail", trail);
        }
        return (List<String>) trail;
    }

    /**
     * FilterRegistration's Javadoc: {@code isMatchAfter=false} mappings are matched before the
     * others, {@code true} after them. As in Tomcat and Jetty, "before" mappings keep their own
     * registration order (each goes after earlier "before" ones), and all of them go ahead of
     * every "after" mapping, even ones registered earlier. URL-pattern mappings still come ahead
     * of servlet-name mappings (Servlet spec 6.2.4).
     */
    @Test
    void isMatchAfterFalsePutsAFilterAheadOfEarlierAfterMappings() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            EnumSet<DispatcherType> request = EnumSet.of(DispatcherType.REQUEST);
            context.addFilter("byName", recording("byName")).addMappingForServletNames(request, false, "app");
            context.addFilter("after1", recording("after1")).addMappingForUrlPatterns(request, true, "/*");
            context.addFilter("before1", recording("before1")).addMappingForUrlPatterns(request, false, "/*");
            context.addFilter("after2", recording("after2")).addMappingForUrlPatterns(null, true, "/app/*");
            context.addFilter("before2", recording("before2")).addMappingForUrlPatterns(request, false, "/app/*", "/app/*");
            context.addFilter("elsewhere", recording("elsewhere")).addMappingForUrlPatterns(request, false, "/other/*");
            context.addServlet("app", new LambdaServlet((req, res) ->
                    res.getWriter().print(String.join(",", trail(req))))).addMapping("/app/*");
        });
        try (ServletTestServer server = new ServletTestServer(container)) {
            assertThat(server.get("/app/x").body()).isEqualTo("before1,before2,after1,after2,byName");
        }
    }

    @Test
    void filterMappingsAreReportedAsRegistered() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            FilterRegistration.Dynamic filter = context.addFilter("f", recording("f"));
            filter.addMappingForUrlPatterns(null, true, "/a/*", "*.json");
            filter.addMappingForServletNames(null, false, "app");
        });
        container.start();
        try {
            FilterRegistration registration = container.context().getFilterRegistration("f");
            assertThat(registration.getUrlPatternMappings()).containsExactlyInAnyOrder("/a/*", "*.json");
            assertThat(registration.getServletNameMappings()).containsExactly("app");
        } finally {
            container.stop();
        }
    }

    static final List<String> initialised = new CopyOnWriteArrayList<>();

    static final class Named extends HttpServlet {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public void init(ServletConfig config) {
            initialised.add(name);
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.getWriter().print(name + " after " + String.join(",", initialised));
        }
    }

    /**
     * Servlet spec 8.1.5 / ServletRegistration.setLoadOnStartup: zero or more loads at start, in
     * ascending order (equal values in registration order); negative or unset loads on first use.
     */
    @Test
    void loadOnStartupOrdersInitialisationAndNegativeIsLazy() throws Exception {
        initialised.clear();
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            for (Object[] servlet : new Object[][] {{"two", 2}, {"one", 1}, {"zero", 0}, {"lazy", -1}, {"unset", null},
                {"one-bis", 1}}) {
                String name = (String) servlet[0];
                ServletRegistration.Dynamic registration = context.addServlet(name, new Named(name));
                registration.addMapping("/" + name);
                if (servlet[1] != null) {
                    registration.setLoadOnStartup((Integer) servlet[1]);
                }
            }
        });
        try (ServletTestServer server = new ServletTestServer(container)) {
            assertThat(initialised).containsExactly("zero", "one", "one-bis", "two");

            assertThat(server.get("/lazy").body()).isEqualTo("lazy after zero,one,one-bis,two,lazy");
            assertThat(server.get("/two").body()).isEqualTo("two after zero,one,one-bis,two,lazy");
            assertThat(server.get("/lazy").statusCode()).isEqualTo(200);
            assertThat(initialised).containsExactly("zero", "one", "one-bis", "two", "lazy");
            assertThat(server.get("/unset").body()).endsWith(",lazy,unset");
        }
    }
}
