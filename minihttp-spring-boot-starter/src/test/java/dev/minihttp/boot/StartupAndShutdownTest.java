package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;

/** Applications started and stopped by hand: failures at startup, port -1, graceful shutdown. */
class StartupAndShutdownTest {

    @BeforeEach
    void reset() {
        TestApp.reset();
    }

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplication(TestApp.class).run(args);
    }

    @Test
    void tlsIsRefusedRatherThanServedAsPlainHttp() {
        assertThatThrownBy(() -> run("--server.port=0", "--server.ssl.enabled=true"))
                .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e))
                        .isInstanceOf(UnsupportedServerFeatureException.class)
                        .hasMessageContaining("server.ssl.enabled").hasMessageContaining("not supported yet"));
    }

    @Test
    void http2IsRefused() {
        assertThatThrownBy(() -> run("--server.port=0", "--server.http2.enabled=true"))
                .satisfies(e -> assertThat(NestedExceptionUtils.getMostSpecificCause(e))
                        .hasMessageContaining("server.http2.enabled").hasMessageContaining("not supported yet"));
    }

    @Test
    void invalidPropertyFailsNamingIt() {
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.threads=0"))
                .hasStackTraceContaining("minihttp.threads must be at least 1, was 0");
        assertThatThrownBy(() -> run("--server.port=0", "--minihttp.max-request-body-size=-1B"))
                .hasStackTraceContaining("minihttp.max-request-body-size must not be negative");
    }

    @Test
    void portInUseBecomesBootsPortInUseException() throws Exception {
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
}
