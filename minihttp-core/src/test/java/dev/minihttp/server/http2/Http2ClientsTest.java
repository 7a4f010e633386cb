package dev.minihttp.server.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.Handler;
import dev.minihttp.server.Http2Options;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import dev.minihttp.tls.TestCertificates;
import dev.minihttp.tls.TestCertificates.Issued;
import dev.minihttp.tls.TlsOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/2 engine against clients that are not ours and not the JDK's (that one is in
 * {@code Http2Test}): curl (nghttp2 inside) with prior knowledge, with {@code Upgrade: h2c} and
 * with ALPN; nghttp and h2load (Debian's nghttp2-client); Jetty's HTTP2Client with prior knowledge
 * and with ALPN. Each asserts the status, the body and the protocol the client says it used. The
 * command-line clients are skipped when their binary is missing; {@code .ci/run} installs them.
 */
@LeakChecked
class Http2ClientsTest {

    @TempDir
    static Path directory;
    static Issued main;
    static Path mainPem;

    /** Answers the protocol the engine saw, the method, the path and the request body's length. */
    static final Handler ECHO = (request, response) -> {
        byte[] body = request.body().readAllBytes();
        response.header("Content-Type", "text/plain");
        response.body().write((request.version().text() + " " + request.method() + " " + request.path()
                + " body=" + body.length).getBytes(StandardCharsets.UTF_8));
    };

    @BeforeAll
    static void issue() throws IOException {
        main = TestCertificates.issue(directory, "main", "localhost");
        // curl --cacert wants PEM; the certificate alone is enough to trust the server.
        mainPem = directory.resolve("main.pem");
        Files.writeString(mainPem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded(main))
                + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
    }

    static byte[] encoded(Issued issued) {
        try {
            return issued.certificate().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static RunningServer cleartext() {
        return RunningServer.start(ServerOptions.builder().workerThreads(4).http2(Http2Options.defaults()), ECHO);
    }

    static RunningServer tls() {
        return RunningServer.start(ServerOptions.builder().workerThreads(4).http2(Http2Options.defaults())
                .tls(TlsOptions.of(main.serverContext())), ECHO);
    }

    // ------------------------------------------------------------------ curl

    @Test
    void curlWithPriorKnowledge() throws Exception {
        assumeCurlHasHttp2();
        try (RunningServer server = cleartext()) {
            Result result = run("curl", "-sS", "--http2-prior-knowledge", "-w", "\n%{http_code} %{http_version}",
                    "http://127.0.0.1:" + server.port() + "/prior");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).isEqualTo("HTTP/2.0 GET /prior body=0\n200 2");
            assertThat(server.stats().http2().connections()).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void curlUpgradesToH2c() throws Exception {
        assumeCurlHasHttp2();
        try (RunningServer server = cleartext()) {
            // --http2 on http:// sends Upgrade: h2c with HTTP2-Settings; the answer to that first
            // request comes on stream 1 of the new HTTP/2 connection.
            Result result = run("curl", "-sS", "--http2", "-w", "\n%{http_code} %{http_version}",
                    "http://127.0.0.1:" + server.port() + "/upgrade");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).isEqualTo("HTTP/2.0 GET /upgrade body=0\n200 2");
        }
    }

    @Test
    void curlUpgradeWithABodyStillGetsAnAnswer() throws Exception {
        assumeCurlHasHttp2();
        try (RunningServer server = cleartext()) {
            // RFC 9113 removed h2c Upgrade; a server may answer such a request over HTTP/1.1
            // instead of upgrading. Either way the request gets its whole answer.
            Result result = run("curl", "-sS", "--http2", "--data-binary", "hello", "-w", "\n%{http_code} %{http_version}",
                    "http://127.0.0.1:" + server.port() + "/post");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).matches("HTTP/(2\\.0|1\\.1) POST /post body=5\n200 (2|1\\.1)");
        }
    }

    @Test
    void curlNegotiatesH2WithAlpn() throws Exception {
        assumeCurlHasHttp2();
        try (RunningServer server = tls()) {
            Result result = run("curl", "-sS", "--http2", "--cacert", mainPem.toString(),
                    "-w", "\n%{http_code} %{http_version}",
                    "https://localhost:" + server.port() + "/alpn", "https://localhost:" + server.port() + "/again");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).isEqualTo("HTTP/2.0 GET /alpn body=0\n200 2HTTP/2.0 GET /again body=0\n200 2");
            // curl sends both on the one connection it keeps
            assertThat(server.stats().http2().connections()).isLessThanOrEqualTo(1);
        }
    }

    // ------------------------------------------------------------------ nghttp, h2load

    @Test
    void nghttpWithPriorKnowledge() throws Exception {
        assumeInstalled("/usr/bin/nghttp");
        try (RunningServer server = cleartext()) {
            Result result = run("nghttp", "-v", "http://127.0.0.1:" + server.port() + "/nghttp");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains(":status: 200").contains("HTTP/2.0 GET /nghttp body=0")
                    .contains("recv SETTINGS frame");
        }
    }

    @Test
    void nghttpUpgradesToH2c() throws Exception {
        assumeInstalled("/usr/bin/nghttp");
        try (RunningServer server = cleartext()) {
            Result result = run("nghttp", "-v", "-u", "http://127.0.0.1:" + server.port() + "/nghttp-upgrade");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("HTTP Upgrade response").contains("HTTP Upgrade success")
                    .contains(":status: 200").contains("HTTP/2.0 GET /nghttp-upgrade body=0");
        }
    }

    @Test
    void nghttpNegotiatesH2WithAlpnAndPostsABody() throws Exception {
        assumeInstalled("/usr/bin/nghttp");
        try (RunningServer server = tls()) {
            Path upload = directory.resolve("upload.bin");
            Files.write(upload, new byte[100_000]);
            Result result = run("nghttp", "-v", "-d", upload.toString(), "https://localhost:" + server.port() + "/nghttp-tls");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("The negotiated protocol: h2").contains(":status: 200")
                    .contains("HTTP/2.0 POST /nghttp-tls body=100000");
        }
    }

    @Test
    void h2loadManyStreamsOverBothListeners() throws Exception {
        assumeInstalled("/usr/bin/h2load");
        try (RunningServer plain = cleartext(); RunningServer secure = tls()) {
            Result clear = run("h2load", "-n", "400", "-c", "4", "-m", "20", "http://127.0.0.1:" + plain.port() + "/load");
            assertThat(clear.exit()).as(clear.output()).isZero();
            assertThat(clear.output()).contains("Application protocol: h2c")
                    .contains("400 succeeded, 0 failed, 0 errored").contains("status codes: 400 2xx");
            Result tls = run("h2load", "-n", "400", "-c", "4", "-m", "20", "https://localhost:" + secure.port() + "/load");
            assertThat(tls.exit()).as(tls.output()).isZero();
            assertThat(tls.output()).contains("Application protocol: h2")
                    .contains("400 succeeded, 0 failed, 0 errored").contains("status codes: 400 2xx");
            assertThat(plain.stats().requests()).isEqualTo(400);
            assertThat(secure.stats().requests()).isEqualTo(400);
        }
    }

    // ------------------------------------------------------------------ Jetty's HTTP2Client

    @Test
    void jettyHttp2ClientWithPriorKnowledge() throws Exception {
        try (RunningServer server = cleartext()) {
            HttpClient client = jetty(false);
            try {
                ContentResponse get = client.GET("http://127.0.0.1:" + server.port() + "/jetty");
                assertThat(get.getStatus()).isEqualTo(200);
                assertThat(get.getVersion()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(get.getContentAsString()).isEqualTo("HTTP/2.0 GET /jetty body=0");
                ContentResponse post = client.newRequest("http://127.0.0.1:" + server.port() + "/jetty-post")
                        .method(HttpMethod.POST).body(new StringRequestContent("hello, h2c"))
                        .timeout(10, TimeUnit.SECONDS).send();
                assertThat(post.getStatus()).isEqualTo(200);
                assertThat(post.getContentAsString()).isEqualTo("HTTP/2.0 POST /jetty-post body=10");
            } finally {
                client.stop();
            }
        }
    }

    @Test
    void jettyHttp2ClientNegotiatesH2WithAlpn() throws Exception {
        try (RunningServer server = tls()) {
            HttpClient client = jetty(true);
            try {
                List<ContentResponse> responses = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    responses.add(client.GET("https://localhost:" + server.port() + "/jetty-tls" + i));
                }
                for (int i = 0; i < responses.size(); i++) {
                    assertThat(responses.get(i).getStatus()).isEqualTo(200);
                    assertThat(responses.get(i).getVersion()).isEqualTo(HttpVersion.HTTP_2);
                    assertThat(responses.get(i).getContentAsString()).isEqualTo("HTTP/2.0 GET /jetty-tls" + i + " body=0");
                }
                assertThat(server.stats().http2().connections()).isEqualTo(1);
            } finally {
                client.stop();
            }
        }
    }

    static HttpClient jetty(boolean tls) throws Exception {
        HTTP2Client h2 = new HTTP2Client();
        if (tls) {
            SslContextFactory.Client ssl = new SslContextFactory.Client();
            ssl.setSslContext(main.clientContext());
            h2.getClientConnector().setSslContextFactory(ssl);
        }
        // https:// goes through ALPN (jetty-alpn-java-client), http:// straight to the preface
        HttpClientTransportOverHTTP2 transport = new HttpClientTransportOverHTTP2(h2);
        HttpClient client = new HttpClient(transport);
        client.start();
        return client;
    }

    // ------------------------------------------------------------------ helpers

    record Result(int exit, String output) {
    }

    static Result run(String... command) throws Exception {
        // Output to a file, so that a client that never ends cannot block the read: waitFor bounds it.
        Path output = Files.createTempFile(directory, "client", ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not end within 60 s:\n" + Files.readString(output));
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    static void assumeInstalled(String binary) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)), binary + " is not installed (Debian: .ci/run installs it)");
    }

    static void assumeCurlHasHttp2() throws Exception {
        assumeInstalled("/usr/bin/curl");
        Assumptions.assumeTrue(run("curl", "-V").output().contains("HTTP2"), "this curl has no HTTP/2");
    }
}
