package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A keep-alive connection waiting for its next request holds no buffer: the response buffer, the
 * head parser and the chunked decoder are back in the I/O loop's pools once the response is out
 * (docs/footprint.md: 10.3 KiB per idle connection before, 1.1 KiB after). Pinned structurally, by
 * what each connection holds, not by heap sizes; and the pools are reused, not refilled per request.
 */
@LeakChecked
class IdleConnectionBuffersTest {

    private RunningServer server;

    @BeforeEach
    void start() {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).ioThreads(1), (request, response) -> {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            request.body().transferTo(body);
            response.body().write(("ok " + request.path() + " " + body.size()).getBytes(StandardCharsets.US_ASCII));
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Runs on the I/O loop (the only one), where its connections and pools may be read. */
    private <T> T onLoop(Function<IoLoop, T> read) throws Exception {
        IoLoop loop = server.server.acceptor();
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(read.apply(loop));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result.get(10, TimeUnit.SECONDS);
    }

    private Map<Long, List<String>> heldByConnection() throws Exception {
        return onLoop(loop -> loop.connections().stream()
                .collect(Collectors.toMap(c -> c.id, Connection::heldBuffers)));
    }

    /** Every open connection holds nothing; waits until the I/O loop has taken each response back. */
    private void awaitNothingHeld(int connections) {
        Map<?, ?>[] last = new Map<?, ?>[1];
        Eventually.await(connections + " idle connections holding no buffer", () -> {
            Map<Long, List<String>> held;
            try {
                held = heldByConnection();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            last[0] = held;
            return held.size() == connections && held.values().stream().allMatch(List::isEmpty);
        }, () -> last[0]);
    }

    @Test
    void afterEachKindOfRequestAnIdleConnectionHoldsNoBuffer() throws Exception {
        try (RawConnection get = server.connect();
             RawConnection post = server.connect();
             RawConnection chunked = server.connect();
             RawConnection pipelined = server.connect()) {
            get.send("GET /get HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(get.readResponse().text()).isEqualTo("ok /get 0");

            post.send("POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(post.readResponse().text()).isEqualTo("ok /post 5");

            chunked.send("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "3\r\nabc\r\n0\r\nTrailer-Field: t\r\n\r\n");
            assertThat(chunked.readResponse().text()).isEqualTo("ok /chunked 3");

            pipelined.send("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "POST /p3 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
            assertThat(pipelined.readResponse().text()).isEqualTo("ok /p1 0");
            assertThat(pipelined.readResponse().text()).isEqualTo("ok /p2 0");
            assertThat(pipelined.readResponse().text()).isEqualTo("ok /p3 2");

            awaitNothingHeld(4);
        }
    }

    @Test
    void aConnectionHoldsAParserOnlyWhileAHeadIsArriving() throws Exception {
        try (RawConnection connection = server.connect()) {
            connection.send("GET /slow HTTP/1.1\r\nHo");
            Eventually.await("the partial head's parser held", () -> {
                try {
                    return heldByConnection().values().stream().anyMatch(held -> held.equals(List.of("parser")));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            connection.send("st: x\r\n\r\n");
            assertThat(connection.readResponse().text()).isEqualTo("ok /slow 0");
            awaitNothingHeld(1);
        }
    }

    @Test
    void keepAliveRequestsReuseOnePooledBufferAndParser() throws Exception {
        try (RawConnection connection = server.connect()) {
            for (int i = 0; i < 50; i++) {
                connection.send("GET /seq" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(connection.readResponse().text()).isEqualTo("ok /seq" + i + " 0");
            }
            awaitNothingHeld(1);
        }
        // One connection at a time: one of each was ever made, then taken and given back 50 times.
        long buffersMade = onLoop(loop -> loop.responseBuffers.created());
        long parsersMade = onLoop(loop -> loop.parsers.created());
        int spareBuffers = onLoop(loop -> loop.responseBuffers.spares());
        assertThat(buffersMade).isEqualTo(1);
        assertThat(parsersMade).isEqualTo(1);
        assertThat(spareBuffers).isEqualTo(1);
    }
}
