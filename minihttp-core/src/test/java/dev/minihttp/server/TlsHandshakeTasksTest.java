package dev.minihttp.server;

import static dev.minihttp.server.TlsTest.ECHO;
import static dev.minihttp.server.TlsTest.connect;
import static dev.minihttp.server.TlsTest.readResponseBody;
import static dev.minihttp.server.TlsTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.LeakChecked;
import dev.minihttp.tls.ClientAuth;
import dev.minihttp.tls.TestCertificates;
import dev.minihttp.tls.TestCertificates.Issued;
import dev.minihttp.tls.TlsOptions;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake's delegated tasks (key selection, signatures, certificate checks) run on the
 * {@code minihttp-tls-N} threads, not on the I/O thread, and a task that fails is still answered
 * with its alert and counted with its reason, every time (a race here once turned refused
 * handshakes into "closed" ones).
 */
@LeakChecked
class TlsHandshakeTasksTest {

    @TempDir
    static Path certificates;
    static Issued main;
    static Issued client;

    @BeforeAll
    static void issue() {
        main = TestCertificates.issue(certificates, "main", "localhost");
        client = TestCertificates.issue(certificates, "client", "client.test");
    }

    @Test
    void theServersKeyIsChosenOnAHandshakeThreadAndOnTheIoThreadWhenThereAreNone() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        SSLContext recording = recordingKeySelection(main, threads);
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(2)
                .tlsHandshakeThreads(2).tls(TlsOptions.of(recording)), ECHO)) {
            for (int i = 0; i < 5; i++) {
                assertThat(get(server, main.clientContext())).startsWith("/tasks secure=true");
            }
        }
        assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("minihttp-tls-"));

        threads.clear();
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(2)
                .tlsHandshakeThreads(0).tls(TlsOptions.of(recording)), ECHO)) {
            assertThat(get(server, main.clientContext())).startsWith("/tasks secure=true");
        }
        assertThat(threads).isNotEmpty().allMatch(name -> name.startsWith("minihttp-io-"));
    }

    @Test
    void everyHandshakeRefusedInADelegatedTaskIsCountedWithItsReason() throws Exception {
        int attempts = 25;
        TlsOptions need = new TlsOptions(main.serverContextTrusting(client), Map.of(), ClientAuth.NEED,
                List.of("TLSv1.3"), List.of(), List.of());
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(2).tls(need), ECHO)) {
            for (int i = 0; i < attempts; i++) {
                // no client certificate: refused while the server checks the client's flight
                assertThatThrownBy(() -> get(server, main.clientContext())).isInstanceOf(IOException.class);
                // TLS 1.2 only: refused while the server reads the ClientHello
                assertThatThrownBy(() -> {
                    try (SSLSocket socket = connect(server, main.clientContext(), null, "TLSv1.2")) {
                        socket.startHandshake();
                    }
                }).isInstanceOf(IOException.class);
            }
            Eventually.await("every refusal to be counted", () -> {
                Map<String, Long> counted = server.server.tlsHandshakes();
                return counted.getOrDefault("client_certificate", 0L) == attempts
                        && counted.getOrDefault("protocol", 0L) == attempts;
            }, () -> server.server.tlsHandshakes());
            assertThat(server.server.tlsHandshakes()).doesNotContainKey("closed").doesNotContainKey("other");
        }
    }

    @Test
    void manyHandshakesAtOnceAllComplete() throws Exception {
        int clients = 8;
        int each = 10;
        try (RunningServer server = RunningServer.start(ServerOptions.builder().workerThreads(4)
                .tlsHandshakeThreads(2).tls(TlsOptions.of(main.serverContext())), ECHO)) {
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    done.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < each; i++) {
                            // a fresh client context each time: no session resumption, a full handshake
                            if (get(server, main.clientContext()).startsWith("/tasks secure=true")) {
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                int ok = 0;
                for (Future<Integer> future : done) {
                    ok += future.get(60, TimeUnit.SECONDS);
                }
                assertThat(ok).isEqualTo(clients * each);
            } finally {
                pool.shutdownNow();
            }
            Eventually.await("every handshake to be counted",
                    () -> server.server.tlsHandshakes().getOrDefault("success", 0L) == clients * each,
                    () -> server.server.tlsHandshakes());
        }
    }

    private static String get(RunningServer server, SSLContext context) throws IOException {
        try (SSLSocket socket = connect(server, context, "localhost")) {
            send(socket, "GET /tasks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            return readResponseBody(socket.getInputStream());
        }
    }

    /** A server context whose key manager notes the thread that chooses the server's key. */
    private static SSLContext recordingKeySelection(Issued issued, Set<String> threads) throws Exception {
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(issued.store(), TestCertificates.PASSWORD);
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
        X509ExtendedKeyManager recording = new X509ExtendedKeyManager() {
            @Override
            public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
                threads.add(Thread.currentThread().getName());
                return keys.chooseEngineServerAlias(keyType, issuers, engine);
            }

            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return keys.getClientAliases(keyType, issuers);
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return keys.chooseClientAlias(keyType, issuers, socket);
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return keys.getServerAliases(keyType, issuers);
            }

            @Override
            public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return keys.chooseServerAlias(keyType, issuers, socket);
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return keys.getCertificateChain(alias);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return keys.getPrivateKey(alias);
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {recording}, null, null);
        return context;
    }
}
