package dev.minihttp.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** minihttp.allow-trace=true lets TRACE reach the application (here Spring's DispatcherServlet, which echoes it). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "minihttp.allow-trace=true")
class AllowTraceTest {

    @LocalServerPort
    int port;

    @Test
    void traceReachesTheApplicationAndOptionsAsteriskListsIt() throws Exception {
        assertThat(raw("TRACE /hello HTTP/1.1\r\nHost: localhost\r\nX-Probe: 1\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").contains("Content-Type: message/http").contains("X-Probe: 1");
        assertThat(raw("OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200").contains("\r\nAllow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE\r\n");
    }

    private String raw(String request) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(received);
            return received.toString(StandardCharsets.UTF_8);
        }
    }
}
