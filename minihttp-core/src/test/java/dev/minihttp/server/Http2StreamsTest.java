package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.server.RawHttp2.Frame;
import dev.minihttp.server.RawHttp2.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams against the server's limits, through a real socket: concurrency, header list and body
 * size, a full queue, slow streams, flow control both ways, graceful shutdown and the idle
 * timeout. Each answer is on the stream (the connection goes on) unless the RFC says otherwise,
 * and nothing is left behind.
 */
@LeakChecked
class Http2StreamsTest {

    private final Http2TestHandler handler = new Http2TestHandler();
    private RunningServer server;
    private RawHttp2 client;

    @TempDir
    Path spool;

    private RawHttp2 start(ServerOptions.Builder options, Http2Options http2) throws IOException {
        server = RunningServer.start(options.tempDirectory(spool).http2(http2), handler);
        client = RawHttp2.connect(server.port());
        return client;
    }

    private RawHttp2 start(ServerOptions.Builder options) throws IOException {
        return start(options, Http2Options.defaults());
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
                            && s.busyThreads() == 0);
            server.close();
        }
        Eventually.await("no temp file left", this::spoolIsEmpty);
    }

    private boolean spoolIsEmpty() {
        try (Stream<Path> files = Files.list(spool)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code threads} busy, and at least as many handler calls: a busy worker may still drop its
     * exchange unrun when the stream is reset before it starts (what rapid reset counts on).
     */
    private void awaitBusy(int threads) {
        Eventually.awaitStats(server, threads + " busy", s -> s.busyThreads() == threads && handler.calls.get() >= threads);
    }

    // ---- limits --------------------------------------------------------------------------------

    @Test
    void aStreamOverMaxConcurrentStreamsIsRefused() throws IOException {
        start(ServerOptions.builder().workerThreads(4), Http2Options.defaults().withMaxConcurrentStreams(2));
        Frame settings = client.await("the server's SETTINGS", f -> f.type() == RawHttp2.SETTINGS && !f.ack());
        assertThat(settings.settings().maxConcurrentStreams()).isEqualTo(2);
        client.get(1, "/hold").get(3, "/hold");
        awaitBusy(2);
        client.request(5, "POST", "/third", false).data(5, "in flight", true);
        assertThat(client.response(5).reset()).isEqualTo(ErrorCode.REFUSED_STREAM);
        assertThat(server.stats().http2().streamsRefused()).isEqualTo(1);
        handler.release.countDown();
        assertThat(client.response(1).status()).isEqualTo(200);
        assertThat(client.response(3).status()).isEqualTo(200);
        Eventually.awaitStats(server, "both closed", s -> s.http2().activeStreams() == 0);
        assertThat(client.get(7, "/again").response(7).text()).isEqualTo("GET /again 0");
        assertThat(handler.calls).hasValue(3);
    }

    @Test
    void aStreamClosedOnBothSidesNoLongerCountsAgainstTheLimit() throws IOException {
        // The next HEADERS is sent the moment the previous END_STREAM is read: the stream is closed
        // for both sides then (RFC 9113 5.1.2), however soon the server forgets it.
        start(ServerOptions.builder().workerThreads(4), Http2Options.defaults().withMaxConcurrentStreams(1));
        for (int stream = 1; stream < 600; stream += 2) {
            Response response = client.get(stream, "/one-at-a-time").response(stream);
            assertThat(response.reset()).as("stream %d", stream).isNull();
        }
        assertThat(server.stats().http2().streamsRefused()).isZero();
    }

    @Test
    void aClientDefaultOf100ConcurrentStreamsIsAnnounced() throws IOException {
        start();
        Frame settings = client.await("the server's SETTINGS", f -> f.type() == RawHttp2.SETTINGS && !f.ack());
        assertThat(settings.settings().maxConcurrentStreams()).isEqualTo(Http2Options.DEFAULT_MAX_CONCURRENT_STREAMS);
    }

    @Test
    void anOversizedHeaderListIs431OnItsStream() throws IOException {
        start(ServerOptions.builder().workerThreads(4).maxRequestHeadSize(4096));
        client.request(1, "GET", "/big-head", true, "x-big", "v".repeat(5000));
        Response response = client.response(1);
        assertThat(response.status()).isEqualTo(431);
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void anOversizedHeaderListBeforeABodyIs431ThenResetWithNoError() throws IOException {
        start(ServerOptions.builder().workerThreads(4).maxRequestHeadSize(4096));
        client.request(1, "POST", "/big-head", false, "x-big", "v".repeat(5000));
        assertThat(client.response(1).status()).isEqualTo(431);
        assertThat(client.awaitReset(1).code()).isEqualTo(ErrorCode.NO_ERROR);
        client.data(1, "the body, already on its way", true);
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void connectIs501() throws IOException {
        start().headers(1, false, ":method", "CONNECT", ":authority", "example.com:443");
        assertThat(client.response(1).status()).isEqualTo(501);
        assertThat(client.awaitReset(1).code()).isEqualTo(ErrorCode.NO_ERROR);
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void aDeclaredBodyOverTheLimitIs413ThenResetWithNoError() throws IOException {
        start(ServerOptions.builder().workerThreads(4).maxRequestBodySize(1000));
        client.request(1, "POST", "/up", false, "content-length", "5000");
        Response response = client.response(1);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.reset()).isNull();
        assertThat(client.awaitReset(1).code()).isEqualTo(ErrorCode.NO_ERROR);
        client.data(1, new byte[5000], true); // in flight when the reset came: ignored, not an error
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(handler.calls).hasValue(1);
        assertThat(server.stats().http2().resets()).containsEntry("no_error", 1L);
        assertThat(server.stats().http2().goAways()).isEmpty();
    }

    @Test
    void aBodyGrowingOverTheLimitIs413ThenResetWithNoError() throws IOException {
        start(ServerOptions.builder().workerThreads(4).maxRequestBodySize(20_000).bodyBufferThreshold(1024));
        client.request(1, "POST", "/up", false);
        client.data(1, new byte[16_000], false); // spooled to a temp file past 1 KiB
        client.data(1, new byte[16_000], false);
        Response response = client.response(1);
        assertThat(response.status()).isEqualTo(413);
        assertThat(client.awaitReset(1).code()).isEqualTo(ErrorCode.NO_ERROR);
        client.data(1, new byte[100], true);
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(handler.calls).hasValue(1);
        Eventually.await("the spooled body deleted", this::spoolIsEmpty);
    }

    @Test
    void aFullQueueIs503WithRetryAfterOnTheStream() throws IOException {
        start(ServerOptions.builder().workerThreads(1).minWorkerThreads(1).queueCapacity(0).retryAfterSeconds(3));
        client.get(1, "/hold");
        awaitBusy(1);
        client.get(3, "/refused");
        Response refused = client.response(3);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.fields()).containsEntry("retry-after", "3");
        handler.release.countDown();
        assertThat(client.response(1).status()).isEqualTo(200);
        awaitBusy(0); // the one worker back in the pool, with no queue to wait in
        assertThat(client.get(5, "/next").response(5).status()).isEqualTo(200);
        assertThat(server.stats().rejected()).containsEntry("queue_full", 1L);
        assertThat(server.stats().http2().goAways()).isEmpty();
        assertThat(handler.calls).hasValue(2);
    }

    @Test
    void aClientResetOfARunningStreamIsNotAnsweredWithAnotherReset() throws IOException {
        start().get(1, "/hold");
        awaitBusy(1);
        client.rstStream(1, ErrorCode.CANCEL);
        Eventually.awaitStats(server, "the reset seen", s -> s.http2().resets().containsKey("client"));
        handler.release.countDown();
        awaitBusy(0);
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        client.sync();
        assertThat(client.seen(RawHttp2.RST_STREAM, 1)).as("RFC 9113 5.4.2: no RST_STREAM for an RST_STREAM").isEmpty();
        assertThat(client.seen(RawHttp2.HEADERS, 1)).isEmpty();
        assertThat(server.stats().http2().resets()).isEqualTo(Map.of("client", 1L));
    }

    @Test
    void headAnd204EndTheStreamOnTheirHeaders() throws IOException {
        start().request(1, "HEAD", "/head", true);
        Response head = client.response(1);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.fields()).containsEntry("content-length", "12"); // what GET /head would send
        assertThat(head.body()).isEmpty();
        assertThat(client.seen(RawHttp2.DATA, 1)).isEmpty();
        Response noContent = client.get(3, "/no-content").response(3);
        assertThat(noContent.status()).isEqualTo(204);
        assertThat(noContent.fields()).doesNotContainKey("content-length");
        assertThat(client.seen(RawHttp2.DATA, 3)).isEmpty();
    }

    @Test
    void responseTrailersEndTheStreamInAHeadersFrame() throws IOException {
        start().get(1, "/trailers");
        Frame head = client.await("HEADERS", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        assertThat(head.fields()).containsEntry(":status", "200");
        Frame data = client.await("DATA", f -> f.type() == RawHttp2.DATA && f.streamId() == 1);
        assertThat(new String(data.data(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("with trailers");
        assertThat(data.endStream()).isFalse();
        Frame trailers = client.await("the trailers", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        assertThat(trailers.fields()).isEqualTo(Map.of("x-checksum", "42"));
        assertThat(trailers.endStream()).isTrue();
        Eventually.awaitStats(server, "stream 1 closed", s -> s.http2().activeStreams() == 0);
    }

    @Test
    void responseTrailersHeldByAShutWindowGoOutAfterTheData() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool).http2(Http2Options.defaults()),
                handler);
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        client.get(1, "/trailers");
        client.await("HEADERS", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        Eventually.awaitStats(server, "the handler done, its data queued", s -> s.busyThreads() == 0 && handler.calls.get() == 1);
        client.windowUpdate(1, 100);
        Frame data = client.await("DATA", f -> f.type() == RawHttp2.DATA && f.streamId() == 1);
        assertThat(data.data()).hasSize("with trailers".length());
        Frame trailers = client.await("the trailers", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        assertThat(trailers.fields()).isEqualTo(Map.of("x-checksum", "42"));
        assertThat(trailers.endStream()).isTrue();
        Eventually.awaitStats(server, "stream 1 closed", s -> s.http2().activeStreams() == 0);
    }

    @Test
    void aResponseFieldThatCannotBeEncodedLeavesTheHeaderTableInStep() throws IOException {
        start().request(1, "GET", "/content-type/new", true, "x-bad", "1");
        Response failed = client.response(1);
        assertThat(failed.status()).as("never sent").isZero();
        assertThat(failed.reset()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        // The same content-type again: had the failed block's entry stayed in the server's table,
        // this response would name an entry the client never received.
        Response next = client.get(3, "/content-type/new").response(3);
        assertThat(next.fields()).containsEntry("content-type", "text/x-new");
        assertThat(next.text()).isEqualTo("typed");
    }

    @Test
    void aClientHeaderTableOfZeroIsHonoured() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool).http2(Http2Options.defaults()),
                handler);
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.HEADER_TABLE_SIZE, 0));
        client.await("the SETTINGS ACK", f -> f.type() == RawHttp2.SETTINGS && f.ack());
        client.decoderTableSize(0); // a block referring to a dynamic entry would no longer decode
        for (int stream = 1; stream <= 5; stream += 2) {
            assertThat(client.get(stream, "/t").response(stream).text()).isEqualTo("GET /t 0");
        }
    }

    @Test
    void expectContinueIsAnswered100ThenTheResponse() throws IOException {
        start().request(1, "POST", "/up", false, "content-length", "5", "expect", "100-continue");
        Frame interim = client.await("the 100", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        assertThat(interim.fields()).containsEntry(":status", "100");
        assertThat(interim.endStream()).isFalse();
        client.data(1, "01234", true);
        assertThat(client.response(1).text()).isEqualTo("POST /up 5");
    }

    @Test
    void anH2cUpgradeIsStreamOneThenTheConnectionGoesOn() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool).http2(Http2Options.defaults()),
                handler);
        client = RawHttp2.open(server.port());
        client.raw(("POST /upgrade HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\nContent-Length: 5\r\n\r\nhello").getBytes(
                java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(client.readHttp1Head()).startsWith("HTTP/1.1 101 ");
        client.raw(dev.minihttp.http2.Preface.bytes()).settings(Http2Settings.defaults());
        assertThat(client.response(1).text()).isEqualTo("POST /upgrade 5");
        assertThat(client.get(3, "/next").response(3).text()).isEqualTo("GET /next 0");
        Eventually.awaitStats(server, "both streams closed", st -> st.http2().activeStreams() == 0);
        client.get(1, "/again"); // stream 1 was the upgrade's: closed now
        assertThat(client.awaitGoAway().code()).isEqualTo(ErrorCode.STREAM_CLOSED);
    }

    @Test
    void paddedDataCountsAgainstTheWindowButNotTheBody() throws IOException {
        start().request(1, "POST", "/up", false, "content-length", "3");
        byte[] padded = RawHttp2.join(new byte[] {100}, "abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII), new byte[100]);
        client.frame(RawHttp2.DATA, RawHttp2.END_STREAM | RawHttp2.PADDED, 1, padded);
        assertThat(client.response(1).text()).isEqualTo("POST /up 3");
    }

    @Test
    void aFrameLeftHalfSentIsGoAwayAfterTheHeadTimeout() throws IOException {
        start(ServerOptions.builder().workerThreads(4).requestHeadTimeout(Duration.ofSeconds(1)));
        assertThat(client.get(1, "/first").response(1).status()).isEqualTo(200);
        client.raw(new byte[] {0, 0, 8, RawHttp2.PING, 0, 0, 0, 0, 0, 1, 2, 3}); // 3 of PING's 8 octets
        Frame goAway = client.awaitGoAway();
        assertThat(goAway.code()).isEqualTo(ErrorCode.NO_ERROR);
        assertThat(client.awaitClosed()).isTrue();
        assertThat(server.stats().http2().goAways()).isEqualTo(Map.of("timeout", 1L));
    }

    @Test
    void spooledUploadsQueuedWhenTheirStreamOrConnectionEndsLeaveNoTempFile() throws IOException {
        start(ServerOptions.builder().workerThreads(1).minWorkerThreads(1).bodyBufferThreshold(1024)).get(1, "/hold");
        awaitBusy(1);
        client.request(3, "POST", "/up", false).data(3, new byte[10_000], true); // complete: queued, spooled
        client.request(5, "POST", "/up", false).data(5, new byte[10_000], true);
        Eventually.awaitStats(server, "both queued", s -> s.queueSize() == 2);
        client.rstStream(3, ErrorCode.CANCEL);
        Eventually.awaitStats(server, "the reset seen", s -> s.http2().resets().containsKey("client"));
        client.close(); // and stream 5 goes with the connection
        Eventually.awaitStats(server, "the connection gone", s -> s.http2().connections() == 0);
        handler.release.countDown();
        Eventually.awaitStats(server, "the queue drained", s -> s.busyThreads() == 0 && s.queueSize() == 0);
        assertThat(handler.calls).as("only /hold ran").hasValue(1);
        Eventually.await("no spooled body left", this::spoolIsEmpty);
    }

    // ---- a slow stream holds no worker ---------------------------------------------------------

    @Test
    void fiftyUnfinishedBodiesHoldNoWorker() throws IOException {
        start();
        for (int i = 0; i < 50; i++) {
            int stream = 1 + 2 * i;
            client.request(stream, "POST", "/slow", false, "content-length", "1000");
            client.data(stream, "a little", false);
        }
        assertThat(client.get(101, "/fast").response(101).text()).isEqualTo("GET /fast 0");
        // The fast stream's worker may still be on its way out when its END_STREAM has arrived: wait
        // for it. Fifty open streams with no busy worker is the point (one holding a worker never gets there).
        Eventually.awaitStats(server, "the fast stream closed and its worker idle",
                s -> s.http2().activeStreams() == 50 && s.busyThreads() == 0);
        ServerStats stats = server.stats();
        assertThat(stats.http2().activeStreams()).isEqualTo(50);
        assertThat(stats.queueSize()).isZero();
        assertThat(handler.calls).hasValue(1);
        client.close();
        Eventually.awaitStats(server, "the 50 streams gone with the connection", s -> s.http2().activeStreams() == 0);
    }

    // ---- flow control --------------------------------------------------------------------------

    @Test
    void aZeroInitialWindowOpenedInStepsGetsTheWholeBody() throws IOException {
        int size = 100_000;
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool).http2(Http2Options.defaults()),
                handler);
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        client.windowUpdate(0, size); // the connection window is not SETTINGS' to change (6.9.2)
        client.get(1, "/big/" + size);
        Frame headers = client.await("the response HEADERS", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        assertThat(headers.fields()).containsEntry(":status", "200");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        int opened = 0;
        boolean ended = false;
        while (!ended) {
            int step = Math.min(7_000, size - opened);
            if (step > 0) {
                client.windowUpdate(1, step);
                opened += step;
            }
            while (body.size() < opened && !ended) {
                Frame frame = client.await("DATA on 1", f -> f.streamId() == 1);
                assertThat(frame.type()).as("%s", frame).isEqualTo(RawHttp2.DATA);
                body.writeBytes(frame.data());
                ended = frame.endStream();
                assertThat(body.size()).as("within the window").isLessThanOrEqualTo(opened);
            }
            if (opened == size && !ended) {
                Frame last = client.await("END_STREAM on 1", f -> f.streamId() == 1);
                assertThat(last.data()).isEmpty();
                ended = last.endStream();
            }
        }
        assertThat(body.toByteArray()).isEqualTo(Http2TestHandler.big(size));
    }

    @Test
    void aWindowNeverOpenedReleasesTheWorkerAfterTheWriteTimeout() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool)
                .writeTimeout(Duration.ofSeconds(1)).http2(Http2Options.defaults()), handler);
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        client.get(1, "/big/500000"); // far past the 64 KiB watermark: the writer waits for the window
        awaitBusy(1);
        Response response = client.response(1);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(response.reset()).isNotNull();
        awaitBusy(0);
        assertThat(handler.writeFailures).hasSize(1);
        assertThat(handler.writeFailures.get(0)).hasMessageContaining("flow-control window");
        assertThat(server.stats().http2().resets()).containsKey(response.reset().name().toLowerCase(java.util.Locale.ROOT));
        client.settings(Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 65_535));
        assertThat(client.get(3, "/next").response(3).text()).isEqualTo("GET /next 0");
    }

    @Test
    void aClientGoneWhileItsWindowIsShutReleasesTheWorkerAtOnce() throws IOException {
        start(ServerOptions.builder().workerThreads(4)); // write timeout 30 s: far beyond any wait here
        client.close();
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        client.get(1, "/big/500000");
        awaitBusy(1);
        client.close();
        awaitBusy(0);
        assertThat(handler.writeFailures).hasSize(1);
        assertThat(handler.writeFailures.get(0)).isInstanceOf(IOException.class);
    }

    @Test
    void aClientResetOfAStalledResponseReleasesTheWorkerAtOnce() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool).http2(Http2Options.defaults()),
                handler); // write timeout 30 s: far beyond any wait here
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        client.get(1, "/big/500000");
        awaitBusy(1);
        client.rstStream(1, ErrorCode.CANCEL);
        awaitBusy(0);
        assertThat(handler.writeFailures).hasSize(1);
        assertThat(handler.writeFailures.get(0)).isInstanceOf(IOException.class);
        client.settings(Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 65_535));
        assertThat(client.get(3, "/next").response(3).text()).isEqualTo("GET /next 0");
        assertThat(client.seen(RawHttp2.RST_STREAM, 1)).isEmpty();
        assertThat(server.stats().http2().resets()).isEqualTo(Map.of("client", 1L));
    }

    @Test
    void aClientThatStopsReadingReleasesTheWorkerAfterTheWriteTimeout() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool)
                .writeTimeout(Duration.ofSeconds(1)).http2(Http2Options.defaults()), handler);
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE));
        client.windowUpdate(0, Integer.MAX_VALUE - 65_535);
        client.get(1, "/big/50000000"); // windows wide open; the socket's buffers fill, then nothing moves
        awaitBusy(1);
        awaitBusy(0);
        assertThat(handler.writeFailures).hasSize(1);
        assertThat(handler.writeFailures.get(0)).isInstanceOf(IOException.class);
        Eventually.awaitStats(server, "the connection closed", s -> s.http2().connections() == 0);
    }

    // ---- shutdown and idle ---------------------------------------------------------------------

    @Test
    void gracefulShutdownLetsTheRunningStreamFinishAfterGoAway() throws Exception {
        start().get(1, "/hold");
        awaitBusy(1);
        CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(10));
        Frame goAway = client.awaitGoAway();
        assertThat(goAway.code()).isEqualTo(ErrorCode.NO_ERROR);
        assertThat(goAway.value()).as("last stream id").isEqualTo(1);
        client.get(3, "/after-goaway"); // beyond the last stream id: not processed
        handler.release.countDown();
        Response running = client.response(1);
        assertThat(running.status()).isEqualTo(200);
        assertThat(running.text()).isEqualTo("GET /hold 0");
        assertThat(client.awaitClosed()).isTrue();
        assertThat(client.seen().stream().filter(f -> f.streamId() == 3)).isEmpty();
        assertThat(shutdown.get()).isTrue();
        assertThat(handler.calls).hasValue(1);
        assertThat(server.stats().http2().goAways()).isEqualTo(Map.of("shutdown", 1L));
    }

    @Test
    void aPostRacingTheShutdownGoAwayIsDiscardedWithoutEndingTheConnection() throws Exception {
        start().get(1, "/hold");
        awaitBusy(1);
        CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(10));
        assertThat(client.awaitGoAway().value()).isEqualTo(1);
        // Sent before the client read the GOAWAY, say: beyond the last stream id, frames and all (RFC 9113 6.8).
        client.request(3, "POST", "/too-late", false).data(3, "a body", false).data(3, "the rest", true);
        client.sync();
        handler.release.countDown();
        assertThat(client.response(1).text()).isEqualTo("GET /hold 0");
        assertThat(client.awaitClosed()).isTrue();
        assertThat(client.seen(RawHttp2.GOAWAY, 0)).hasSize(1);
        assertThat(shutdown.get()).isTrue();
        assertThat(server.stats().http2().goAways()).isEqualTo(Map.of("shutdown", 1L));
    }

    @Test
    void aGoAwayAfterTheShutdownOneNeverNamesAHigherStream() throws Exception {
        start().get(1, "/hold");
        awaitBusy(1);
        CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(10));
        assertThat(client.awaitGoAway().value()).isEqualTo(1);
        client.get(3, "/discarded");
        client.windowUpdate(0, Integer.MAX_VALUE); // a connection error now
        Frame second = client.awaitGoAway();
        assertThat(second.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThat(second.value()).as("RFC 9113 6.8: not above the first GOAWAY's").isEqualTo(1);
        handler.release.countDown();
        assertThat(client.awaitClosed()).isTrue();
        shutdown.get();
    }

    @Test
    void gracefulShutdownFinishesAQueuedStreamToo() throws Exception {
        start(ServerOptions.builder().workerThreads(1).minWorkerThreads(1)).get(1, "/hold");
        awaitBusy(1);
        client.get(3, "/queued");
        Eventually.awaitStats(server, "stream 3 queued", s -> s.queueSize() == 1);
        CompletableFuture<Boolean> shutdown = server.server.shutdownGracefullyAsync(Duration.ofSeconds(10));
        Frame goAway = client.awaitGoAway();
        assertThat(goAway.code()).isEqualTo(ErrorCode.NO_ERROR);
        assertThat(goAway.value()).isEqualTo(3);
        handler.release.countDown();
        assertThat(client.response(1).text()).isEqualTo("GET /hold 0");
        assertThat(client.response(3).text()).isEqualTo("GET /queued 0");
        assertThat(client.awaitClosed()).isTrue();
        assertThat(shutdown.get()).isTrue();
        assertThat(server.stats().rejected()).isEmpty();
    }

    @Test
    void aClientGoAwayLetsTheRunningStreamFinishThenTheConnectionCloses() throws IOException {
        start().get(1, "/hold");
        awaitBusy(1);
        client.frame(RawHttp2.GOAWAY, 0, 0, java.nio.ByteBuffer.allocate(8).putInt(0).putInt(0).array());
        client.get(3, "/after-its-goaway");
        handler.release.countDown();
        assertThat(client.response(1).text()).isEqualTo("GET /hold 0");
        assertThat(client.awaitClosed()).isTrue();
        assertThat(client.seen().stream().filter(f -> f.streamId() == 3)).isEmpty();
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void aBodyTooSlowIs408OnItsStreamThenResetWithNoError() throws IOException {
        start(ServerOptions.builder().workerThreads(4).minBodyRate(1000).bodyRateGracePeriod(Duration.ofMillis(500)));
        client.request(1, "POST", "/up", false, "content-length", "100000").data(1, "a trickle", false);
        Response response = client.response(1);
        assertThat(response.status()).isEqualTo(408);
        assertThat(client.awaitReset(1).code()).isEqualTo(ErrorCode.NO_ERROR);
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void aLargerInitialWindowFromSettingsLetsHeldDataGo() throws IOException {
        int size = 150_000;
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).tempDirectory(spool).http2(Http2Options.defaults()),
                handler);
        client = RawHttp2.connect(server.port(), Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 0));
        client.get(1, "/big/" + size);
        client.await("the response HEADERS", f -> f.type() == RawHttp2.HEADERS && f.streamId() == 1);
        awaitBusy(1); // the handler waits: its data is over the watermark, the window 0
        client.windowUpdate(0, size);
        client.settings(Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, size)); // 6.9.2: open streams too
        assertThat(client.response(1).body()).isEqualTo(Http2TestHandler.big(size));
    }

    @Test
    void anIdleConnectionGetsGoAwayNoErrorAndIsClosed() throws IOException {
        start(ServerOptions.builder().workerThreads(4).idleTimeout(Duration.ofSeconds(1)));
        assertThat(client.get(1, "/once").response(1).status()).isEqualTo(200);
        Frame goAway = client.awaitGoAway();
        assertThat(goAway.code()).isEqualTo(ErrorCode.NO_ERROR);
        assertThat(goAway.value()).isEqualTo(1);
        assertThat(client.awaitClosed()).isTrue();
        assertThat(server.stats().http2().goAways()).isEqualTo(Map.of("idle", 1L));
    }

    // ---- leaks ---------------------------------------------------------------------------------

    @Test
    void bodiesOfResetAndFailedStreamsLeaveNoTempFile() throws IOException {
        start(ServerOptions.builder().workerThreads(4).bodyBufferThreshold(1024));
        client.request(1, "POST", "/up", false).data(1, new byte[10_000], false);
        client.request(3, "POST", "/up", false, "content-length", "20000").data(3, new byte[10_000], false);
        client.request(5, "POST", "/up", false).data(5, new byte[10_000], false);
        Eventually.await("three bodies spooled", () -> {
            try (Stream<Path> files = Files.list(spool)) {
                return files.count() == 3;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        client.rstStream(1, ErrorCode.CANCEL); // the client gives up
        client.data(3, new byte[10_001], true); // over its content-length: stream error
        assertThat(client.awaitReset(3).code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        Eventually.await("two spooled bodies deleted", () -> {
            try (Stream<Path> files = Files.list(spool)) {
                return files.count() == 1;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        client.data(5, new byte[10], true);
        assertThat(client.response(5).text()).isEqualTo("POST /up 10010");
        client.request(7, "POST", "/up", false).data(7, new byte[10_000], false);
        client.get(8, "/even"); // a connection error with a spooled body open
        assertThat(client.awaitGoAway().code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(client.awaitClosed()).isTrue();
        Eventually.await("every spooled body deleted", this::spoolIsEmpty);
    }
}
