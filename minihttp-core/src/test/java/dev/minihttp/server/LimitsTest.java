package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minihttp.LeakChecked;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every size and count limit, with short configured values, seen by a client on a real socket. */
@LeakChecked
class LimitsTest {

    private final List<RunningServer> servers = new ArrayList<>();
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void stopServers() {
        servers.forEach(RunningServer::close);
    }

    private RunningServer start(ServerOptions.Builder options) {
        RunningServer server = RunningServer.start(options.workerThreads(2), (request, response) -> {
            handled.incrementAndGet();
            request.body().transferTo(OutputStream.nullOutputStream());
            response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII));
        });
        servers.add(server);
        return server;
    }

    /** The server's own refusal: the status, {@code Connection: close}, and then the connection really closes. */
    private static void assertRefusedAndClosed(RawConnection connection, int status) throws Exception {
        RawConnection.Response response = connection.readResponse();
        assertThat(response.status()).isEqualTo(status);
        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(response.text()).doesNotContain("Exception");
        assertThat(connection.isClosedByServer()).isTrue();
    }

    @Test
    void headOverTheLimitIs431() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestHeadSize(1024));
        try (RawConnection connection = server.connect()) {
            connection.send("GET / HTTP/1.1\r\nHost: x\r\nX-Filler: " + "a".repeat(2000) + "\r\n\r\n");
            assertRefusedAndClosed(connection, 431);
        }
        try (RawConnection connection = server.connect()) {
            // Many fields, each small: the sum is what counts.
            StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 30; i++) {
                head.append("X-Field-").append(i).append(": ").append("v".repeat(40)).append("\r\n");
            }
            connection.send(head.append("\r\n").toString());
            assertRefusedAndClosed(connection, 431);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void headJustUnderTheLimitIsServed() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestHeadSize(1024));
        try (RawConnection connection = server.connect()) {
            connection.send("GET /fits HTTP/1.1\r\nHost: x\r\nX-Filler: " + "a".repeat(900) + "\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("ok /fits");
        }
    }

    @Test
    void pipelinedRequestOverTheLimitIsRefusedAfterTheOneBeforeIsAnswered() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestHeadSize(1024));
        try (RawConnection connection = server.connect()) {
            connection.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /second HTTP/1.1\r\nHost: x\r\nX-Filler: " + "a".repeat(2000) + "\r\n\r\n"
                    + "GET /third HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("ok /first");
            assertRefusedAndClosed(connection, 431);
        }
        assertThat(handled).hasValue(1);
    }

    @Test
    void requestLineAloneTooLongIs414() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestHeadSize(1024));
        try (RawConnection connection = server.connect()) {
            connection.send("GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertRefusedAndClosed(connection, 414);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void tooManyHeadersIs431() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxHeaderCount(10));
        try (RawConnection connection = server.connect()) {
            StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 20; i++) {
                head.append("X-H").append(i).append(": v\r\n");
            }
            connection.send(head.append("\r\n").toString());
            assertRefusedAndClosed(connection, 431);
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void contentLengthOverTheLimitIs413WithoutReadingTheBody() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestBodySize(1000));
        try (RawConnection connection = server.connect()) {
            // No body is sent: the answer must come from the head alone.
            connection.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n");
            assertRefusedAndClosed(connection, 413);
        }
        try (RawConnection connection = server.connect()) {
            connection.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
            // readResponse() would return the 100 if one had been sent.
            assertRefusedAndClosed(connection, 413);
        }
        try (RawConnection connection = server.connect()) {
            connection.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "b".repeat(1000));
            assertThat(connection.readResponse().text()).isEqualTo("ok /up");
        }
        assertThat(handled).hasValue(1);
    }

    @Test
    void chunkedBodyGrowingPastTheLimitIs413() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxRequestBodySize(1000));
        try (RawConnection connection = server.connect()) {
            StringBuilder request = new StringBuilder("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                request.append("1f4\r\n").append("c".repeat(500)).append("\r\n");
            }
            connection.send(request.append("0\r\n\r\n").toString());
            assertRefusedAndClosed(connection, 413);
        }
        try (RawConnection connection = server.connect()) {
            connection.send("POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "1f4\r\n" + "c".repeat(500) + "\r\n1f4\r\n" + "c".repeat(500) + "\r\n0\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("ok /up");
        }
        assertThat(handled).hasValue(1);
    }

    @ParameterizedTest(name = "ioThreads={0}")
    @ValueSource(ints = {1, 2})
    void beyondMaxConnectionsANewConnectionWaitsUntilOneCloses(int ioThreads) throws Exception {
        // With two I/O threads the connection that closes lives on the loop that does not accept.
        RunningServer server = start(ServerOptions.builder().maxConnections(2).ioThreads(ioThreads));
        try (RawConnection first = server.connect(); RawConnection second = server.connect()) {
            first.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(first.readResponse().text()).isEqualTo("ok /1");
            second.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(second.readResponse().text()).isEqualTo("ok /2");
            try (RawConnection third = server.connect()) {
                // The kernel completes the handshake (backlog); the server must not take it.
                third.send("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
                third.timeout(500);
                assertThatThrownBy(third::readResponse).isInstanceOf(SocketTimeoutException.class);
                assertThat(server.stats().connections()).isEqualTo(2);
                assertThat(handled).hasValue(2);

                second.close();
                third.timeout(10_000);
                assertThat(third.readResponse().text()).isEqualTo("ok /3");
                assertThat(server.stats().connections()).isEqualTo(2);
            }
            first.send("GET /4 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(first.readResponse().text()).isEqualTo("ok /4");
        }
    }

    @Test
    void maxKeepAliveRequestsClosesAfterTheLastOne() throws Exception {
        RunningServer server = start(ServerOptions.builder().maxKeepAliveRequests(3));
        try (RawConnection connection = server.connect()) {
            for (int i = 1; i <= 2; i++) {
                connection.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                RawConnection.Response response = connection.readResponse();
                assertThat(response.text()).isEqualTo("ok /" + i);
                assertThat(response.header("Connection")).isNull();
            }
            connection.send("GET /3 HTTP/1.1\r\nHost: x\r\n\r\n");
            RawConnection.Response last = connection.readResponse();
            assertThat(last.text()).isEqualTo("ok /3");
            assertThat(last.header("Connection")).isEqualTo("close");
            assertThat(connection.isClosedByServer()).isTrue();
        }
    }
}
