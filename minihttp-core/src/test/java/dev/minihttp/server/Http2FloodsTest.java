package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.server.RawHttp2.Frame;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The known HTTP/2 floods through a real socket, with small budgets (5 per second, bursts of 10):
 * each ends in GOAWAY ENHANCE_YOUR_CALM counted under its cause, except the HPACK bomb, which
 * costs its stream a 431 and nothing more.
 */
@LeakChecked
class Http2FloodsTest {

    private static final int FLOOD = 60;

    private final Http2TestHandler handler = new Http2TestHandler();
    private RunningServer server;
    private RawHttp2 client;

    private RawHttp2 start(ServerOptions.Builder options) throws IOException {
        server = RunningServer.start(options.http2(Http2Options.defaults().withMaxResetsPerSecond(5)
                .withMaxControlFramesPerSecond(5)), handler);
        client = RawHttp2.connect(server.port());
        return client;
    }

    private RawHttp2 start() throws IOException {
        return start(ServerOptions.builder().workerThreads(4));
    }

    @AfterEach
    void stop() throws IOException {
        handler.release.countDown();
        if (client != null) {
            client.close();
        }
        if (server != null) {
            Eventually.awaitStats(server, "no HTTP/2 connection or stream left",
                    s -> s.connections() == 0 && s.http2().connections() == 0 && s.http2().activeStreams() == 0
                            && s.busyThreads() == 0 && s.queueSize() == 0);
            server.close();
        }
    }

    private Frame assertCalmedDown(String cause) throws IOException {
        Frame goAway = client.awaitGoAway();
        assertThat(goAway.code()).as("%s", goAway).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
        assertThat(client.awaitClosed()).isTrue();
        assertThat(server.stats().http2().goAways()).isEqualTo(Map.of(cause, 1L));
        return goAway;
    }

    @Test
    void rapidResetEndsTheConnectionAndResetStreamsNeverRun() throws IOException {
        // One worker, held: every stream of the flood waits in the queue when the client resets it.
        start(ServerOptions.builder().workerThreads(1).minWorkerThreads(1)).get(1, "/hold");
        Eventually.awaitStats(server, "/hold running", s -> s.busyThreads() == 1 && handler.calls.get() == 1);
        client.batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                int stream = 3 + 2 * i;
                c.get(stream, "/reset-" + i);
                c.rstStream(stream, ErrorCode.CANCEL);
            }
        });
        Frame goAway = assertCalmedDown("rapid_reset");
        assertThat(goAway.value()).as("last stream id").isLessThan(3 + 2 * FLOOD);
        long clientResets = server.stats().http2().resets().getOrDefault("client", 0L);
        assertThat(clientResets).isBetween(10L, (long) FLOOD - 1);
        handler.release.countDown();
        Eventually.awaitStats(server, "the queue drained", s -> s.busyThreads() == 0 && s.queueSize() == 0);
        assertThat(handler.calls).as("only /hold ran").hasValue(1);
    }

    @Test
    void streamErrorsFasterThanTheBudgetEndTheConnection() throws IOException {
        start().batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                c.headers(1 + 2 * i, true, ":method", "GET", ":scheme", "http", ":path", "/", "te", "gzip");
            }
        });
        assertCalmedDown("reset_flood");
        assertThat(server.stats().http2().resets().get("protocol_error")).isBetween(10L, (long) FLOOD - 1);
        assertThat(handler.calls).hasValue(0);
    }

    @Test
    void pingFlood() throws IOException {
        start().batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                c.ping(i);
            }
        });
        assertCalmedDown("ping_flood");
        long acks = client.seen().stream().filter(f -> f.type() == RawHttp2.PING && f.ack()).count();
        assertThat(acks).isBetween(10L, (long) FLOOD - 1);
    }

    @Test
    void settingsFlood() throws IOException {
        start().batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                c.settings(Http2Settings.defaults().with(Http2Settings.HEADER_TABLE_SIZE, 4096));
            }
        });
        assertCalmedDown("settings_flood");
    }

    @Test
    void emptyDataFramesFlood() throws IOException {
        start().request(1, "POST", "/up", false);
        client.batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                c.data(1, new byte[0], false);
            }
        });
        assertCalmedDown("empty_frames_flood");
        assertThat(handler.calls).hasValue(0);
    }

    @Test
    void priorityFlood() throws IOException {
        start().batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                c.priority(1 + 2 * i, 0, 16);
            }
        });
        assertCalmedDown("priority_flood");
    }

    @Test
    void unknownFrameTypesFlood() throws IOException {
        start().batch(c -> {
            for (int i = 0; i < FLOOD; i++) {
                c.frame(0x20, 0, 0, new byte[4]);
            }
        });
        assertCalmedDown("unknown_frames_flood");
    }

    @Test
    void continuationFloodEndsTheConnectionFromTheReader() throws IOException {
        start();
        byte[] block = client.encode(":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/");
        client.frame(RawHttp2.HEADERS, RawHttp2.END_STREAM, 1, block); // no END_HEADERS: a block left open
        client.batch(c -> {
            for (int i = 0; i < 100; i++) {
                c.continuation(1, new byte[0], false);
            }
        });
        assertCalmedDown("enhance_your_calm");
        assertThat(handler.calls).hasValue(0);
    }

    @Test
    void anHpackBombIs431AndTheConnectionGoesOnInStep() throws IOException {
        start(ServerOptions.builder().workerThreads(4).maxRequestHeadSize(8192));
        String value = "v".repeat(3000); // indexed (under 3/4 of the 4 KiB table), then named by index
        List<String> bomb = new ArrayList<>(List.of(":method", "GET", ":scheme", "http", ":authority", "localhost",
                ":path", "/bomb"));
        for (int i = 0; i < 50; i++) {
            bomb.add("x-big");
            bomb.add(value);
        }
        byte[] block = client.encode(bomb.toArray(new String[0]));
        assertThat(block.length).as("a small block").isLessThan(3200);
        client.headerBlock(1, true, block);
        assertThat(client.response(1).status()).isEqualTo(431);
        // The server's table kept the entry: one more reference decodes to the same 3000 octets.
        client.request(3, "GET", "/after", true, "x-big", value);
        assertThat(client.response(3).text()).isEqualTo("GET /after 0 x-big=3000");
        assertThat(server.stats().http2().goAways()).isEmpty();
        assertThat(handler.calls).hasValue(1);
    }
}
