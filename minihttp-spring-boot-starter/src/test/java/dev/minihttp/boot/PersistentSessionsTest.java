package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.sessionapp.SessionApp;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.system.ApplicationTemp;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** server.servlet.session.persistent / store-dir: sessions outlive a stop of the server and of the app. */
@ExtendWith(OutputCaptureExtension.class)
class PersistentSessionsTest {

    @TempDir
    Path storeDir;

    private static ConfigurableApplicationContext run(String... args) {
        return new SpringApplication(SessionApp.class).run(args);
    }

    private static WebServer server(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer();
    }

    private static String cookieOf(HttpResponse<String> response) {
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private static String count(ConfigurableApplicationContext context, String cookie) throws Exception {
        return Http.get(server(context).getPort(), "/count?connection=true", "Cookie", cookie).body();
    }

    @Test
    void theSessionCookieStillWorksAfterTheServerAndTheAppRestart(CapturedOutput output) throws Exception {
        String[] args = {"--server.port=0", "--server.servlet.session.persistent=true",
            "--server.servlet.session.store-dir=" + storeDir};
        String cookie;
        try (ConfigurableApplicationContext first = run(args)) {
            HttpResponse<String> created = Http.get(server(first).getPort(), "/count?connection=true");
            cookie = cookieOf(created);
            String id = cookie.substring(cookie.indexOf('=') + 1);
            assertThat(created.body()).isEqualTo(id + " 1");

            server(first).stop();
            server(first).start();
            assertThat(count(first, cookie)).isEqualTo(id + " 2");
        }
        assertThat(storeDir.resolve("SESSIONS.ser")).exists();
        assertThat(output).contains("Session attribute connection of session", "is not Serializable");

        try (ConfigurableApplicationContext second = run(args)) {
            assertThat(count(second, cookie)).endsWith(" 3").startsWith(cookie.substring(cookie.indexOf('=') + 1));
        }
    }

    @Test
    void withoutPersistenceTheAppRestartsWithNoSessions() throws Exception {
        String cookie;
        try (ConfigurableApplicationContext first = run("--server.port=0",
                "--server.servlet.session.store-dir=" + storeDir)) {
            cookie = cookieOf(Http.get(server(first).getPort(), "/count?connection=true"));
        }
        try (ConfigurableApplicationContext second = run("--server.port=0")) {
            assertThat(count(second, cookie)).endsWith(" 1");
        }
        assertThat(storeDir).isEmptyDirectory();
    }

    @Test
    void withoutAStoreDirTheApplicationTempDirectoryIsUsedAsOnTomcat() throws Exception {
        File file = new File(new ApplicationTemp().getDir("servlet-sessions"), "SESSIONS.ser");
        Files.deleteIfExists(file.toPath());
        try (ConfigurableApplicationContext context = run("--server.port=0", "--server.servlet.session.persistent=true")) {
            Http.get(server(context).getPort(), "/count?connection=true");
        }
        try {
            assertThat(file).exists();
        } finally {
            Files.deleteIfExists(file.toPath());
        }
    }

    @Test
    void aStoreDirThatIsAFileFailsStartupNamingTheProperty() throws Exception {
        Path notADirectory = Files.writeString(storeDir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> run("--server.port=0", "--server.servlet.session.persistent=true",
                "--server.servlet.session.store-dir=" + notADirectory))
                .hasStackTraceContaining("server.servlet.session.store-dir");
    }
}
