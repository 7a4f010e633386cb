package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minihttp.tls.TestCertificates;
import dev.minihttp.tls.TestCertificates.Issued;
import dev.minihttp.tls.TlsOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser over HTTP/2: headless Chromium loads a page with a script and twenty images
 * from a TLS listener with HTTP/2 on, over one connection (ALPN h2), and every request arrives as
 * a stream. Skipped without Debian's chromium (.ci/run installs it).
 */
class Http2BrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** A 1x1 transparent GIF. */
    private static final byte[] GIF = java.util.Base64.getDecoder().decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

    @TempDir
    Path dir;

    @Test
    void chromiumLoadsAPageAndItsImagesAsStreamsOfOneHttp2Connection() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "Debian's chromium is not installed");
        Issued certificate = TestCertificates.issue(dir, "browser", "localhost");
        Map<String, String> versions = new ConcurrentHashMap<>();
        Map<Long, Boolean> connections = new ConcurrentHashMap<>();
        Handler handler = (request, response) -> {
            versions.put(request.path(), request.version().text());
            connections.put(request.connectionId(), true);
            if (request.path().equals("/")) {
                StringBuilder page = new StringBuilder("<!doctype html><html><head><title>h2</title>"
                        + "<script src=\"/script.js\"></script></head><body>");
                for (int i = 0; i < 20; i++) {
                    page.append("<img src=\"/img/").append(i).append(".gif\">");
                }
                page.append("</body></html>");
                response.header("Content-Type", "text/html;charset=utf-8");
                response.body().write(page.toString().getBytes(StandardCharsets.UTF_8));
            } else if (request.path().equals("/script.js")) {
                response.header("Content-Type", "text/javascript");
                response.body().write("document.write('<p id=\"written\">script ran</p>');".getBytes(StandardCharsets.UTF_8));
            } else if (request.path().startsWith("/img/")) {
                response.header("Content-Type", "image/gif");
                response.body().write(GIF);
            } else {
                response.status(404);
            }
        };
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(8)
                .tls(TlsOptions.of(certificate.serverContext())).http2(Http2Options.defaults()), handler)) {
            Path profile = Files.createDirectory(dir.resolve("profile"));
            List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--ignore-certificate-errors", "--user-data-dir=" + profile,
                    "--virtual-time-budget=5000", "--dump-dom", "https://localhost:" + server.port() + "/"));
            Process chromium = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(dom).contains("<p id=\"written\">script ran</p>");
            assertThat(versions).containsEntry("/", "HTTP/2.0").containsEntry("/script.js", "HTTP/2.0");
            for (int i = 0; i < 20; i++) {
                assertThat(versions).containsEntry("/img/" + i + ".gif", "HTTP/2.0");
            }
            assertThat(connections).as("one connection carried every request").hasSize(1);
            Eventually.awaitStats(server, "every stream closed", s -> s.http2().activeStreams() == 0);
        }
    }
}
