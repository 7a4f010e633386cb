package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.boot.TestCertificates.Certificate;
import dev.minihttp.server.ListenerOptions;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** minihttp.additional-ports and addAdditionalListeners: more ports on the same pool, their log line and clashes. */
@ExtendWith(OutputCaptureExtension.class)
class AdditionalPortsTest {

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void bothPortsServeAndTheLogLineListsThem(CapturedOutput output) throws Exception {
        int additional = freePort();
        try (ConfigurableApplicationContext context = HttpsTest.run("--server.port=0",
                "--minihttp.additional-ports=" + additional, "--server.servlet.context-path=/ctx",
                "--minihttp.threads=12", "--minihttp.queue-capacity=34", "--minihttp.virtual-threads=false",
                "--management.endpoints.web.exposure.include=minihttp")) {
            WebServer server = ((WebServerApplicationContext) context).getWebServer();
            int main = server.getPort();
            assertThat(Http.get(main, "/ctx/hello").body()).isEqualTo("hello");
            assertThat(Http.get(additional, "/ctx/hello").body()).isEqualTo("hello");
            assertThat(output.getOut()).containsOnlyOnce("minihttp started on ports " + main + " (http), "
                    + additional + " (http) with context path '/ctx'")
                    .containsOnlyOnce("minihttp worker pool: 12 platform threads, queue capacity 34");
            assertThat(Http.get(main, "/ctx/actuator/minihttp").body())
                    .contains("\"listeners\":[{\"name\":\"main\",\"port\":" + main + ",\"scheme\":\"http\"},"
                            + "{\"name\":\"additional-" + additional + "\",\"port\":" + additional + ",\"scheme\":\"http\"}]");

            server.stop();
            assertThat(server.getPort()).as("stopped").isEqualTo(-1);
            server.start();
            assertThat(server.getPort()).as("running again").isPositive();
        }
    }

    @Test
    void aTakenAdditionalPortIsAPortInUseFailureNamingThatPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> HttpsTest.run("--server.port=0", "--minihttp.additional-ports=" + taken.getLocalPort()))
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
    void theSamePortTwiceIsABindingFailureNamingTheProperty() {
        assertThatThrownBy(() -> HttpsTest.run("--server.port=0", "--minihttp.additional-ports=8181,8181"))
                .hasStackTraceContaining("minihttp.additional-ports lists port 8181 twice");
    }

    /** Code adds listeners through the factory; beside an HTTPS main port an extra cleartext one. */
    @Test
    void listenersAddedByCodeBesideAnHttpsMainPort(CapturedOutput output) throws Exception {
        Certificate certificate = TestCertificates.pkcs12(dir);
        int additional = freePort();
        SpringApplication application = new SpringApplication(TestApp.class);
        application.addInitializers(context -> context.getBeanFactory().registerSingleton("extraListener",
                (WebServerFactoryCustomizer<MiniHttpServletWebServerFactory>) factory ->
                        factory.addAdditionalListeners(ListenerOptions.plain("plain", "127.0.0.1", additional))));
        try (ConfigurableApplicationContext context = application.run("--server.port=0",
                "--server.ssl.key-store=" + certificate.location(),
                "--server.ssl.key-store-password=" + certificate.storePassword())) {
            int main = HttpsTest.port(context);
            assertThat(Https.get(certificate.trustingContext(), main, "/whoami").body()).startsWith("https ");
            assertThat(Http.get(additional, "/whoami").body()).startsWith("http ");
            assertThat(output.getOut()).contains("minihttp started on ports " + main + " (https), "
                    + additional + " (http) with context path '/'");
        }
    }
}
