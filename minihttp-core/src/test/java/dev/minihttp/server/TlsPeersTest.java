package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.tls.ClientAuth;
import dev.minihttp.tls.TestCertificates;
import dev.minihttp.tls.TestCertificates.Issued;
import dev.minihttp.tls.TlsOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactoryBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener against clients that are not the JDK's: Apache HttpClient 5, curl and
 * {@code openssl s_client} (Debian's OpenSSL 3), for what only they can ask: TLS 1.1, a TLS 1.2
 * renegotiation, SNI and client certificates from PEM files. The command-line peers are skipped
 * when the binaries are missing; {@code .ci/run} installs them.
 */
@LeakChecked
class TlsPeersTest {

    @TempDir
    static Path directory;
    static Issued main;
    static Issued other;
    static Issued client;
    static Path mainPem;
    static Path clientPem;

    @BeforeAll
    static void issue() throws Exception {
        main = TestCertificates.issue(directory, "main", "localhost");
        other = TestCertificates.issue(directory, "other", "other.test");
        client = TestCertificates.issue(directory, "client", "client.test");
        if (Files.isExecutable(Path.of("/usr/bin/openssl"))) {
            mainPem = directory.resolve("main.pem");
            clientPem = directory.resolve("client.pem");
            run(null, "openssl", "pkcs12", "-in", main.keyStore().toString(), "-nokeys", "-passin", "pass:changeit",
                    "-out", mainPem.toString());
            run(null, "openssl", "pkcs12", "-in", client.keyStore().toString(), "-nodes", "-passin", "pass:changeit",
                    "-out", clientPem.toString());
        }
    }

    static RunningServer start(TlsOptions tls) {
        return RunningServer.start(ServerOptions.builder().workerThreads(4).tls(tls), TlsTest.ECHO);
    }

    @Test
    void apacheHttpClientTalksHttpsWithATestTrustStore() throws Exception {
        try (RunningServer server = start(TlsOptions.of(main.serverContext()));
             CloseableHttpClient http = HttpClients.custom().setConnectionManager(
                     PoolingHttpClientConnectionManagerBuilder.create().setSSLSocketFactory(
                             SSLConnectionSocketFactoryBuilder.create().setSslContext(main.clientContext()).build()).build()).build()) {
            for (int i = 0; i < 3; i++) {
                String body = http.execute(new HttpGet("https://localhost:" + server.port() + "/apache" + i),
                        response -> EntityUtils.toString(response.getEntity()));
                assertThat(body).startsWith("/apache" + i + " secure=true protocol=TLSv1.3");
            }
            assertThat(server.server.tlsHandshakes()).containsEntry("success", 1L);
        }
    }

    @Test
    void curlWithCacert() throws Exception {
        assumeInstalled("/usr/bin/curl");
        assumeInstalled("/usr/bin/openssl");
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            Result result = run(null, "curl", "-sS", "--cacert", mainPem.toString(),
                    "https://localhost:" + server.port() + "/curl", "https://localhost:" + server.port() + "/again");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("/curl secure=true").contains("/again secure=true");
        }
    }

    @Test
    void opensslSeesTheCertificateOfTheServerNameItAsksFor() throws Exception {
        assumeInstalled("/usr/bin/openssl");
        TlsOptions tls = TlsOptions.of(main.serverContext()).withContexts(main.serverContext(),
                Map.of("other.test", other.serverContext()));
        try (RunningServer server = start(tls)) {
            assertThat(sClient(server, "", "-servername", "other.test").output()).contains("subject=CN = other.test");
            assertThat(sClient(server, "", "-servername", "localhost").output()).contains("subject=CN = localhost");
            assertThat(sClient(server, "", "-noservername").output()).contains("subject=CN = localhost");
        }
    }

    @Test
    void tls11IsRefusedByTheServerNotOnlyByTheClient() throws Exception {
        assumeInstalled("/usr/bin/openssl");
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            // SECLEVEL=0 makes OpenSSL 3 offer TLS 1.1 at all; the refusal then is the server's.
            Result result = sClient(server, "", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
            assertThat(result.output()).contains("alert protocol version").contains("Cipher is (NONE)");
            Eventually.await("the refusal to be counted as a protocol failure",
                    () -> server.server.tlsHandshakes().getOrDefault("protocol", 0L) == 1L, () -> server.server.tlsHandshakes());
        }
    }

    @Test
    void aTls12RenegotiationIsRefusedAndTheConnectionClosed() throws Exception {
        assumeInstalled("/usr/bin/openssl");
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            Result result = sClient(server, "GET /first HTTP/1.1\r\nHost: localhost\r\n\r\nR\n", "-tls1_2");
            assertThat(result.output()).contains("/first secure=true protocol=TLSv1.2").contains("RENEGOTIATING");
            // Dropped without a close_notify, so the client cannot take it for a normal end of the
            // session (a graceful close made testssl.sh report renegotiation as allowed).
            assertThat(result.exit()).as(result.output()).isNotZero();
            Eventually.await("the renegotiation to be counted", () -> server.server.tlsHandshakes()
                    .getOrDefault("renegotiation", 0L) == 1L, () -> server.server.tlsHandshakes());
            Eventually.await("the connection to be closed", () -> server.stats().connections() == 0, () -> server.stats().connections());
        }
    }

    @Test
    void opensslClientCertificateNeededAndWanted() throws Exception {
        assumeInstalled("/usr/bin/openssl");
        TlsOptions need = new TlsOptions(main.serverContextTrusting(client), Map.of(), ClientAuth.NEED, List.of(), List.of(), List.of());
        try (RunningServer server = start(need)) {
            Result with = sClient(server, "GET /need HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    "-cert", clientPem.toString(), "-key", clientPem.toString());
            assertThat(with.output()).contains("/need secure=true").contains("peer=CN=client.test");
            Result without = sClient(server, "GET /need HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(without.output()).doesNotContain("/need secure=true");
            Eventually.await("the missing certificate to be counted", () -> server.server.tlsHandshakes()
                    .getOrDefault("client_certificate", 0L) == 1L, () -> server.server.tlsHandshakes());
        }
        TlsOptions want = new TlsOptions(main.serverContextTrusting(client), Map.of(), ClientAuth.WANT, List.of(), List.of(), List.of());
        try (RunningServer server = start(want)) {
            Result without = sClient(server, "GET /want HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(without.output()).contains("/want secure=true").contains("peer=none");
        }
    }

    // ---- running the command-line peers ------------------------------------------------------

    record Result(int exit, String output) {
    }

    private static Result sClient(RunningServer server, String input, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + server.port(),
                "-CAfile", mainPem.toString()));
        command.addAll(List.of(options));
        return run(input, command.toArray(String[]::new));
    }

    private static Result run(String input, String... command) throws Exception {
        Path output = Files.createTempFile(directory, "out", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try (OutputStream stdin = process.getOutputStream()) {
            if (input != null) {
                // Line by line with a pause, as a person types: s_client reads commands ("R") per line.
                for (String line : input.split("(?<=\n)")) {
                    stdin.write(line.getBytes(StandardCharsets.ISO_8859_1));
                    stdin.flush();
                    Thread.sleep(300);
                }
                Thread.sleep(700);
            }
        } catch (IOException closedEarly) {
            // the peer exited first (a refused handshake): its output says why
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(output, StandardCharsets.ISO_8859_1));
    }

    private static void assumeInstalled(String binary) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)), binary + " is not installed");
    }
}
