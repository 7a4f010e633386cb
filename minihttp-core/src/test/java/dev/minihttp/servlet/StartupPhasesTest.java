package dev.minihttp.servlet;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Starting in two steps, as Spring Boot (like Tomcat and Jetty) expects of a web server: the
 * context is set up while the application context refreshes ({@link ServletContainer#initialize()}),
 * load-on-startup servlets are initialised when the web server starts ({@link ServletContainer#start()}).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class StartupPhasesTest {

    private final List<String> events = new CopyOnWriteArrayList<>();

    private final class Recording extends HttpServlet {
        private final String name;

        Recording(String name) {
            this.name = name;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            events.add("init " + name);
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.getWriter().print(name);
        }
    }

    private ServletContainer container() {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            events.add("initializer");
            context.addListener(new ServletContextListener() {
                @Override
                public void contextInitialized(ServletContextEvent event) {
                    events.add("listener");
                }
            });
            context.addFilter("filter", new jakarta.servlet.Filter() {
                @Override
                public void init(jakarta.servlet.FilterConfig config) {
                    events.add("filter");
                }

                @Override
                public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res,
                                     jakarta.servlet.FilterChain chain) throws IOException, ServletException {
                    chain.doFilter(req, res);
                }
            }).addMappingForUrlPatterns(null, false, "/*");
            ServletRegistration.Dynamic eager = context.addServlet("eager", new Recording("eager"));
            eager.addMapping("/eager");
            eager.setLoadOnStartup(1);
            context.addServlet("lazy", new Recording("lazy")).addMapping("/lazy");
        });
        return container;
    }

    @Test
    void initializeRunsInitializersListenersAndFiltersButNotLoadOnStartupServlets() throws Exception {
        ServletContainer container = container();
        try {
            container.initialize();
            assertThat(events).containsExactly("initializer", "listener", "filter");
            assertThat(container.isInitialized()).isTrue();
            assertThat(container.isStarted()).isFalse();
            assertThatThrownBy(() -> container.context().addServlet("late", new Recording("late")))
                    .as("registrations are closed once initialised").isInstanceOf(IllegalStateException.class);

            container.start();
            assertThat(events).containsExactly("initializer", "listener", "filter", "init eager");
            assertThat(container.isStarted()).isTrue();
            assertThatThrownBy(container::start).isInstanceOf(IllegalStateException.class);
        } finally {
            container.stop();
        }
        assertThat(container.isInitialized()).isFalse();
    }

    @Test
    void startAloneDoesBothSteps() throws Exception {
        ServletContainer container = container();
        try {
            container.start();
            assertThat(events).containsExactly("initializer", "listener", "filter", "init eager");
        } finally {
            container.stop();
        }
    }

    @Test
    void requestBetweenTheStepsIsServedAndInitialisesOnlyTheServletItNeeds() throws Exception {
        ServletContainer container = container();
        container.initialize();
        MiniHttpServer server = new MiniHttpServer(ServerOptions.builder().host("127.0.0.1").port(0).build(),
                container.handler());
        server.start();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/lazy")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("lazy");
            assertThat(events).containsExactly("initializer", "listener", "filter", "init lazy");

            container.start();
            assertThat(events).endsWith("init eager");
        } finally {
            server.stop();
            container.stop();
        }
    }

    @Test
    void aFailingLoadOnStartupServletFailsStart() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> context.addServlet("broken", new HttpServlet() {
            @Override
            public void init() throws ServletException {
                throw new ServletException("cannot start");
            }
        }).setLoadOnStartup(0));
        try {
            container.initialize();
            assertThatThrownBy(container::start).isInstanceOf(ServletException.class).hasMessage("cannot start");
            assertThat(container.isStarted()).isFalse();
        } finally {
            container.stop();
        }
    }
}
