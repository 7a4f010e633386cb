package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.LeakChecked;
import dev.minihttp.tls.ClientAuth;
import dev.minihttp.tls.ServerNameCertificate;
import dev.minihttp.tls.TestCertificates;
import dev.minihttp.tls.TestCertificates.Issued;
import dev.minihttp.tls.TlsOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS through the engine's TLS layer, with certificates made for the test and the JDK's own
 * clients (HttpClient, SSLSocket for exact bytes and SNI).
 */
@LeakChecked
class TlsTest {

    @TempDir
    static Path certificates;
    static Issued main;
    static Issued other;
    static Issued client;

    @BeforeAll
    static void issue() {
        main = TestCertificates.issue(certificates, "main", "localhost");
        other = TestCertificates.issue(certificates, "other", "other.test");
        client = TestCertificates.issue(certificates, "client", "client.test");
    }

    /** Answers with what the engine saw: the path, TLS or not, the protocol, and the body's length. */
    static final Handler ECHO = (request, response) -> {
        SSLSession session = request.sslSession();
        byte[] body = request.body().readAllBytes();
        if (request.path().equals("/big")) {
            byte[] big = new byte[3_000_000];
            new Random(7).nextBytes(big);
            response.body().write(big);
            return;
        }
        String peer = "-";
        if (session != null) {
            try {
                peer = ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
            } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
                peer = "none";
            }
        }
        String text = request.path() + " secure=" + request.isSecure() + " protocol="
                + (session == null ? "-" : session.getProtocol()) + " body=" + body.length + " peer=" + peer;
        response.body().write(text.getBytes(StandardCharsets.UTF_8));
    };

    static RunningServer start(TlsOptions tls) {
        return RunningServer.start(ServerOptions.builder().workerThreads(4).tls(tls), ECHO);
    }

    static RunningServer start(ServerOptions.Builder options) {
        return RunningServer.start(options.workerThreads(4), ECHO);
    }

    @Test
    void jdkHttpClientGetsAnHttpsResponseOverTls13() throws Exception {
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            HttpClient http = HttpClient.newBuilder().sslContext(main.clientContext())
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("/hello secure=true protocol=TLSv1.3 body=0 peer=none");
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/up"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2_500_000])).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.body()).startsWith("/up secure=true protocol=TLSv1.3 body=2500000");
            assertThat(server.server.tlsHandshakes()).containsEntry("success", 1L);
        }
    }

    @Test
    void aLargeResponseArrivesWholeOverManyRecords() throws Exception {
        byte[] expected = new byte[3_000_000];
        new Random(7).nextBytes(expected);
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            HttpClient http = HttpClient.newBuilder().sslContext(main.clientContext()).version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                        URI.create("https://localhost:" + server.port() + "/big")).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(response.body()).isEqualTo(expected);
            }
            // A reader that takes its time: the response waits in the output's back-pressure, not lost.
            HttpResponse<InputStream> slow = http.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/big")).build(), HttpResponse.BodyHandlers.ofInputStream());
            Thread.sleep(300);
            try (InputStream body = slow.body()) {
                assertThat(body.readAllBytes()).isEqualTo(expected);
            }
        }
    }

    @Test
    void keepAliveAndPipelinedRequestsShareOneHandshake() throws Exception {
        try (RunningServer server = start(TlsOptions.of(main.serverContext()));
             SSLSocket socket = connect(server, main.clientContext(), null)) {
            StringBuilder pipelined = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                pipelined.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            send(socket, pipelined.toString());
            for (int i = 0; i < 20; i++) {
                assertThat(readResponseBody(socket.getInputStream())).startsWith("/r" + i + " secure=true");
            }
            assertThat(server.server.tlsHandshakes()).containsEntry("success", 1L);
        }
    }

    @Test
    void tls12IsAcceptedAndAProtocolTheListenerDoesNotEnableIsRefused() throws Exception {
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            try (SSLSocket socket = connect(server, main.clientContext(), null, "TLSv1.2")) {
                send(socket, "GET /v12 HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponseBody(socket.getInputStream())).isEqualTo("/v12 secure=true protocol=TLSv1.2 body=0 peer=none");
            }
        }
        // The JDK's client has TLS 1.1 disabled (jdk.tls.disabledAlgorithms); openssl covers TLS 1.1
        // in TlsOpensslTest. Here: a listener limited to TLS 1.3 and a client offering only 1.2.
        TlsOptions only13 = new TlsOptions(main.serverContext(), Map.of(), ClientAuth.NONE, List.of("TLSv1.3"), List.of(), List.of());
        try (RunningServer server = start(only13)) {
            assertThatThrownBy(() -> {
                try (SSLSocket socket = connect(server, main.clientContext(), null, "TLSv1.2")) {
                    socket.startHandshake();
                    socket.getInputStream().read();
                }
            }).isInstanceOf(IOException.class);
            Eventually.await("the refused handshake to be counted", () -> server.server.tlsHandshakes().containsKey("protocol"),
                    () -> server.server.tlsHandshakes());
        }
    }

    @Test
    void sniChoosesTheCertificateAndAnUnknownNameGetsTheDefault() throws Exception {
        TlsOptions tls = TlsOptions.of(main.serverContext()).withContexts(main.serverContext(),
                Map.of("other.test", other.serverContext(), "*.wild.test", other.serverContext()));
        // A new client context each time: the JDK's client resumes a cached session for the same
        // host and port and then sends that session's server name, whatever it was asked for.
        try (RunningServer server = start(tls)) {
            assertThat(presentedCertificate(server, trustingBoth(), "other.test").getSerialNumber()).isEqualTo(other.serial());
            assertThat(presentedCertificate(server, trustingBoth(), "OTHER.test").getSerialNumber()).isEqualTo(other.serial());
            assertThat(presentedCertificate(server, trustingBoth(), "a.wild.test").getSerialNumber()).isEqualTo(other.serial());
            assertThat(presentedCertificate(server, trustingBoth(), "localhost").getSerialNumber()).isEqualTo(main.serial());
            assertThat(presentedCertificate(server, trustingBoth(), "unknown.test").getSerialNumber()).isEqualTo(main.serial());
            assertThat(presentedCertificate(server, trustingBoth(), null).getSerialNumber()).isEqualTo(main.serial());
        }
    }

    @Test
    void aServerNamesCertificateBringsItsOwnProtocolsAndCiphers() throws Exception {
        String onlySuite = "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
        TlsOptions tls = new TlsOptions(main.serverContext(),
                Map.of("other.test", new ServerNameCertificate(other.serverContext(), List.of("TLSv1.2"), List.of(onlySuite)),
                        "plain.test", ServerNameCertificate.of(other.serverContext())),
                ClientAuth.NONE, List.of("TLSv1.3"), List.of(), List.of());
        try (RunningServer server = start(tls)) {
            try (SSLSocket socket = connect(server, trustingBoth(), "other.test")) {
                socket.startHandshake();
                assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
                assertThat(socket.getSession().getCipherSuite()).isEqualTo(onlySuite);
            }
            // The default certificate and a name without parameters of its own: the listener's TLS 1.3 only.
            for (String name : new String[] {"localhost", "plain.test"}) {
                try (SSLSocket socket = connect(server, trustingBoth(), name)) {
                    socket.startHandshake();
                    assertThat(socket.getSession().getProtocol()).as(name).isEqualTo("TLSv1.3");
                }
                assertThatThrownBy(() -> {
                    try (SSLSocket socket = connect(server, trustingBoth(), name, "TLSv1.2")) {
                        socket.startHandshake();
                    }
                }).as(name).isInstanceOf(IOException.class);
            }
            assertThatThrownBy(() -> {
                try (SSLSocket socket = connect(server, trustingBoth(), "other.test", "TLSv1.3")) {
                    socket.startHandshake();
                }
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void reloadedKeyMaterialServesNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            SSLContext trustsBoth = trustingBoth();
            SSLSocket open = connect(server, trustsBoth, "localhost");
            send(open, "GET /before HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponseBody(open.getInputStream())).startsWith("/before secure=true");

            server.server.updateTls(ServerOptions.MAIN_LISTENER, TlsOptions.of(other.serverContext()));

            assertThat(presentedCertificate(server, trustsBoth, "localhost").getSerialNumber()).isEqualTo(other.serial());
            send(open, "GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponseBody(open.getInputStream())).startsWith("/after secure=true");
            assertThat(((X509Certificate) open.getSession().getPeerCertificates()[0]).getSerialNumber()).isEqualTo(main.serial());
            open.close();
        }
    }

    @Test
    void clientCertificatesAreRequiredOrWanted() throws Exception {
        TlsOptions need = new TlsOptions(main.serverContextTrusting(client), Map.of(), ClientAuth.NEED, List.of(), List.of(), List.of());
        try (RunningServer server = start(need)) {
            try (SSLSocket socket = connect(server, client.clientContextTrusting(main), "localhost")) {
                send(socket, "GET /auth HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponseBody(socket.getInputStream())).endsWith("peer=CN=client.test");
            }
            assertThatThrownBy(() -> {
                try (SSLSocket socket = connect(server, main.clientContext(), "localhost")) {
                    send(socket, "GET /auth HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    readResponseBody(socket.getInputStream());
                }
            }).isInstanceOf(IOException.class);
            Eventually.await("the missing certificate to be counted",
                    () -> server.server.tlsHandshakes().containsKey("client_certificate"), () -> server.server.tlsHandshakes());
        }
        TlsOptions want = new TlsOptions(main.serverContextTrusting(client), Map.of(), ClientAuth.WANT, List.of(), List.of(), List.of());
        try (RunningServer server = start(want)) {
            try (SSLSocket socket = connect(server, main.clientContext(), "localhost")) {
                send(socket, "GET /anonymous HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponseBody(socket.getInputStream())).endsWith("peer=none");
            }
            try (SSLSocket socket = connect(server, client.clientContextTrusting(main), "localhost")) {
                send(socket, "GET /auth HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponseBody(socket.getInputStream())).endsWith("peer=CN=client.test");
            }
        }
    }

    @Test
    void plainHttpToTheTlsPortGetsACleartext400AndGarbageIsClosed() throws Exception {
        try (RunningServer server = start(TlsOptions.of(main.serverContext()))) {
            try (RawConnection connection = server.connect()) {
                connection.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                RawConnection.Response response = connection.readResponse();
                assertThat(response.status()).isEqualTo(400);
                assertThat(response.text()).contains("HTTPS");
                assertThat(connection.isClosedByServer()).isTrue();
            }
            try (RawConnection connection = server.connect()) {
                connection.send(new byte[] {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07});
                assertThat(connection.isClosedByServer()).isTrue();
            }
            try (RawConnection connection = server.connect()) {
                // A handshake record whose ClientHello is cut off, then the client leaves.
                connection.send(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c, 0x03, 0x03});
            }
            Eventually.await("every refusal to be counted", () -> {
                Map<String, Long> counts = server.server.tlsHandshakes();
                return counts.containsKey("cleartext_http") && counts.containsKey("not_tls") && counts.containsKey("closed");
            }, () -> server.server.tlsHandshakes());
            Eventually.await("every refused connection to be closed", () -> server.stats().connections() == 0,
                    () -> server.stats().connections());
            assertThat(server.stats().busyThreads()).isZero();
            // And the port still serves HTTPS.
            try (SSLSocket socket = connect(server, main.clientContext(), "localhost")) {
                send(socket, "GET /still HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponseBody(socket.getInputStream())).startsWith("/still secure=true");
            }
        }
    }

    @Test
    void stalledHandshakesTimeOutWhileHttpsTrafficIsServed() throws Exception {
        try (RunningServer server = start(ServerOptions.builder().tls(TlsOptions.of(main.serverContext()))
                .requestHeadTimeout(Duration.ofSeconds(1)))) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    if (i % 2 == 0) {
                        // Half a ClientHello record header and nothing more.
                        socket.getOutputStream().write(new byte[] {0x16, 0x03});
                    }
                    stalled.add(socket);
                }
                HttpClient http = HttpClient.newBuilder().sslContext(main.clientContext()).version(HttpClient.Version.HTTP_1_1).build();
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + server.port() + "/served" + i)).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.body()).startsWith("/served" + i + " secure=true");
                }
                // No worker holds a stalled handshake (the last response's worker may still be on its way back).
                Eventually.await("no busy worker", () -> server.stats().busyThreads() == 0, () -> server.stats().busyThreads());
                Eventually.await("the stalled handshakes to time out", () -> server.server.tlsHandshakes().getOrDefault("timeout", 0L) == 50L,
                        () -> server.server.tlsHandshakes());
                for (Socket socket : stalled) {
                    socket.setSoTimeout(5_000);
                    assertThat(socket.getInputStream().read()).isEqualTo(-1);
                }
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aTlsListenerAndAPlainOneShareThePoolAndTheCounters() throws Exception {
        try (RunningServer server = start(ServerOptions.builder().tls(TlsOptions.of(main.serverContext()))
                .additionalListeners(List.of(ListenerOptions.plain("plain", "127.0.0.1", 0))))) {
            List<ListenerOptions> listeners = server.server.boundListeners();
            assertThat(listeners).extracting(ListenerOptions::name).containsExactly("main", "plain");
            assertThat(listeners).extracting(ListenerOptions::scheme).containsExactly("https", "http");
            int plainPort = listeners.get(1).port();
            assertThat(plainPort).isNotEqualTo(server.port()).isPositive();
            try (RawConnection connection = new RawConnection(plainPort)) {
                connection.send("GET /plain HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("/plain secure=false protocol=- body=0 peer=-");
            }
            try (SSLSocket socket = connect(server, main.clientContext(), "localhost")) {
                send(socket, "GET /tls HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponseBody(socket.getInputStream())).startsWith("/tls secure=true");
            }
            assertThat(server.stats().requests()).isEqualTo(2);
            assertThatThrownBy(() -> server.server.updateTls("plain", TlsOptions.of(other.serverContext())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not speak TLS");
        }
    }

    @Test
    void aTakenPortOfAnyListenerFailsStartNamingThatPortAndLeavesNothingBound() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            MiniHttpServer server = new MiniHttpServer(ServerOptions.builder().host("127.0.0.1").port(0)
                    .additionalListeners(List.of(ListenerOptions.plain("extra", "127.0.0.1", taken.getLocalPort()))).build(), ECHO);
            assertThatThrownBy(server::start).isInstanceOf(java.net.BindException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("'extra'");
            server.stop();
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static SSLContext trustingBoth() throws Exception {
        java.security.KeyStore both = java.security.KeyStore.getInstance("PKCS12");
        both.load(null, null);
        both.setCertificateEntry("main", main.certificate());
        both.setCertificateEntry("other", other.certificate());
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(both);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static X509Certificate presentedCertificate(RunningServer server, SSLContext context, String serverName) throws Exception {
        try (SSLSocket socket = connect(server, context, serverName)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    static SSLSocket connect(RunningServer server, SSLContext context, String serverName, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port());
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        if (serverName != null) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        socket.setSSLParameters(parameters);
        return socket;
    }

    static void send(SSLSocket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response with a Content-Length body and returns the body. */
    static String readResponseBody(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the head: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int at = text.toLowerCase().indexOf("content-length:");
        int end = text.indexOf("\r\n", at);
        int length = Integer.parseInt(text.substring(at + 15, end).trim());
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
