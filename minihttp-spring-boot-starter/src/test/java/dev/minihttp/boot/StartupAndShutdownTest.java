package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.GracefulShutdownResult;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;

/** Applications started and stopped by hand: the startup line, failures at startup, port -1, graceful shutdown. */
@ExtendWith(OutputCaptureExtension.class)
class StartupAndShutdownTest {

    @BeforeEach
    void reset() {
        TestApp.reset();
    }

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplication(TestApp.class).run(args);
    }

    /** TLS asked for without key material fails at startup rather than serving plain HTTP. */
    @Test
    void tlsWithoutKeyMaterialFailsRatherThanServingPlainHttp() {
        assertThatThrownBy(() -> run("--server.port=0", "--server.ssl.enabled=true"))
                .hasStackTraceContaining("Could not load the TLS key material of server.ssl")
                .hasStackTraceContaining("no trust material is configured");
    }

    @Test
    void logsOneInfoLineSayingWhichServerRunsWithItsPortThreadsAndQueue(CapturedOutput output) {
        try (ConfigurableApplicationContext context = run("--server.port=0", "--minihttp.threads=7",
                "--minihttp.queue-capacity=33", "--minihttp.virtual-threads=false")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            assertThat(output.getOut()).containsOnlyOnce("minihttp started on port " + port
                    + " (http) with context path '/'")
                    .containsOnlyOnce("minihttp worker pool: 7 platform threads, queue capacity 33");
        }
    }

    /** Boot's failure analysis (printed at startup) names the property, the value and the rule. */
    @Test
    void invalidPropertyFailsNamingIt(CapturedOutput output) {
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.threads=0"))
                .hasStackTraceContaining("minihttp.threads must be at least 1, was 0");
        assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                .contains("Property: minihttp.threads").contains("Value: \"0\"")
                .contains("minihttp.threads must be at least 1, was 0");
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.max-request-body-size=-1B"))
                .hasStackTraceContaining("minihttp.max-request-body-size must not be negative");
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.tls-handshake-threads=-1"))
                .hasStackTraceContaining("minihttp.tls-handshake-threads must be at least 0, was -1");
    }

    @Test
    void invalidThreadRetirementPropertiesFailNamingThem(CapturedOutput output) {
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.min-threads=-1"))
                .hasStackTraceContaining("minihttp.min-threads must be at least 0, was -1");
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.thread-idle-timeout=0s"))
                .hasStackTraceContaining("minihttp.thread-idle-timeout must be positive, was PT0S");
        assertThat(output.getOut() + output.getErr()).contains("Property: minihttp.min-threads")
                .contains("Property: minihttp.thread-idle-timeout");
    }

    /** A property with more than one word is named as it is written in application.yml, not as the Java field. */
    @Test
    void invalidPropertyIsNamedInItsKebabCaseForm(CapturedOutput output) {
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.queue-capacity=-1"))
                .hasStackTraceContaining("minihttp.queue-capacity must be at least 0, was -1");
        String printed = output.getOut() + output.getErr();
        assertThat(printed).contains("Property: minihttp.queue-capacity").doesNotContain("queueCapacity");
    }

    @Test
    void portInUseBecomesBootsPortInUseFailure(CapturedOutput output) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> run("--server.port=" + taken.getLocalPort()))
                    .satisfies(e -> {
                        Throwable cause = e;
                        while (cause != null && !(cause instanceof PortInUseException)) {
                            cause = cause.getCause();
                        }
                        assertThat(cause).isInstanceOf(PortInUseException.class);
                        assertThat(((PortInUseException) cause).getPort()).isEqualTo(taken.getLocalPort());
                    });
            assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
                    .contains("Port " + taken.getLocalPort() + " was already in use.");
        }
    }

    /**
     * Like Tomcat and Jetty, the servlet context is set up while the application context
     * refreshes, but load-on-startup servlets are initialised when the web server starts: after
     * every singleton exists, before Boot announces the server.
     */
    @Test
    void loadOnStartupServletsAreInitialisedWhenTheWebServerStarts() throws Exception {
        StartupOrder.events.clear();
        try (ConfigurableApplicationContext context = run("--server.port=0", "--test.startup-order=true")) {
            assertThat(StartupOrder.events).containsExactly("singletons instantiated", "servlet init",
                    "web server initialized");
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            assertThat(Http.get(port, "/eager").body()).isEqualTo("eager servlet");
            assertThat(StartupOrder.events).containsOnlyOnce("servlet init");
        }
    }

    /** server.address: bound to 127.0.0.1 only, another loopback address (Linux routes all of 127/8) is refused. */
    @Test
    void listensOnlyOnServerAddress() throws Exception {
        try (ConfigurableApplicationContext context = run("--server.port=0", "--server.address=127.0.0.1")) {
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                assertThat(socket.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> new java.net.Socket("127.0.0.2", port).close())
                    .isInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void portMinusOneRunsWithoutListening() {
        try (ConfigurableApplicationContext context = run("--server.port=-1")) {
            assertThat(((WebServerApplicationContext) context).getWebServer().getPort()).isEqualTo(-1);
        }
    }

    @Test
    void gracefulShutdownLetsAnInFlightRequestFinish() throws Exception {
        ConfigurableApplicationContext context = run("--server.port=0", "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=20s");
        MiniHttpWebServer server = (MiniHttpWebServer) ((WebServerApplicationContext) context).getWebServer();
        CompletableFuture<HttpResponse<String>> inFlight = Http.getAsync(server.getPort(), "/block");
        assertThat(TestApp.entered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close);
        Http.await(() -> !server.stats().running());
        assertThat(server.stats().running()).as("shutdown began").isFalse();
        TestApp.release.countDown();

        HttpResponse<String> response = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("released");
        closed.get(30, TimeUnit.SECONDS);
    }

    /**
     * spring.lifecycle.timeout-per-shutdown-phase bounds the graceful shutdown: a request still
     * running when it passes does not hold the application open.
     */
    @Test
    void gracefulShutdownGivesUpAfterTheShutdownPhaseTimeout(CapturedOutput output) throws Exception {
        ConfigurableApplicationContext context = run("--server.port=0", "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=200ms");
        MiniHttpWebServer server = (MiniHttpWebServer) ((WebServerApplicationContext) context).getWebServer();
        CompletableFuture<HttpResponse<String>> inFlight = Http.getAsync(server.getPort(), "/block");
        try {
            assertThat(TestApp.entered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();

            // Well under the 30 s default phase timeout, which this must not have waited for.
            CompletableFuture.runAsync(context::close).get(25, TimeUnit.SECONDS);

            assertThat(context.isActive()).isFalse();
            assertThat(server.stats().running()).isFalse();
            boolean answeredNormally = inFlight.isDone() && !inFlight.isCompletedExceptionally()
                    && "released".equals(inFlight.join().body());
            assertThat(answeredNormally).as("the request was still running (or cut off) when the application closed")
                    .isFalse();
        } finally {
            TestApp.release.countDown();
            inFlight.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Boot stops the server when the shutdown phase runs out while a request is still running;
     * the graceful shutdown's callback must then say so, not report idle.
     */
    @Test
    void stopDuringGracefulShutdownReportsRequestsActive() throws Exception {
        ConfigurableApplicationContext context = run("--server.port=0", "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=20s");
        MiniHttpWebServer server = (MiniHttpWebServer) ((WebServerApplicationContext) context).getWebServer();
        CompletableFuture<HttpResponse<String>> inFlight = Http.getAsync(server.getPort(), "/block");
        try {
            assertThat(TestApp.entered.tryAcquire(20, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<GracefulShutdownResult> result = new CompletableFuture<>();
            server.shutDownGracefully(result::complete);
            Http.await(() -> !server.stats().running());

            server.stop();

            assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(GracefulShutdownResult.REQUESTS_ACTIVE);
        } finally {
            TestApp.release.countDown();
            inFlight.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
            context.close();
        }
    }
}
