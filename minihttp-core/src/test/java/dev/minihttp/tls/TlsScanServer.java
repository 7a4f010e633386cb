package dev.minihttp.tls;

import dev.minihttp.server.MiniHttpServer;
import dev.minihttp.server.ServerOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * minihttp with the default TLS configuration ({@link TlsOptions#of}: TLS 1.3 and 1.2, the strong
 * JDK suites) on 127.0.0.1, for {@code bench/testssl.sh} to scan: {@code PORT DIRECTORY SECONDS}.
 * It makes its own certificate in DIRECTORY and stops after SECONDS, or when the file
 * DIRECTORY/stop appears.
 */
public final class TlsScanServer {

    private TlsScanServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path directory = Path.of(args[1]);
        long seconds = Long.parseLong(args[2]);
        Files.createDirectories(directory);
        TestCertificates.Issued certificate = TestCertificates.issue(directory, "scan", "localhost");
        MiniHttpServer server = new MiniHttpServer(ServerOptions.builder().host("127.0.0.1").port(port)
                .tls(TlsOptions.of(certificate.serverContext())).build(),
                (request, response) -> response.body().write("scanned\n".getBytes(StandardCharsets.US_ASCII)));
        server.start();
        Files.writeString(directory.resolve("ready"), Integer.toString(server.port()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch never = new CountDownLatch(1);
        while (System.nanoTime() < deadline && !Files.exists(directory.resolve("stop"))) {
            never.await(200, TimeUnit.MILLISECONDS);
        }
        Files.writeString(directory.resolve("handshakes"), server.tlsHandshakes().toString());
        server.stop();
    }
}
