package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.http2.ErrorCode;
import dev.minihttp.http2.Http2Settings;
import dev.minihttp.http2.Preface;
import dev.minihttp.server.RawHttp2.Frame;
import dev.minihttp.server.RawHttp2.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113's errors through a real socket: a connection error is a GOAWAY with its code (and the
 * connection closes), a stream error an RST_STREAM with its code while the connection goes on
 * serving; each is counted by cause.
 */
@LeakChecked
class Http2ErrorsTest {

    private final Http2TestHandler handler = new Http2TestHandler();
    private RunningServer server;
    private RawHttp2 client;

    private RawHttp2 start(ServerOptions.Builder options) throws IOException {
        server = RunningServer.start(options.workerThreads(4).http2(Http2Options.defaults()), handler);
        client = RawHttp2.connect(server.port());
        return client;
    }

    private RawHttp2 start() throws IOException {
        return start(ServerOptions.builder());
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
    }

    // ---- connection errors: GOAWAY ---------------------------------------------------------------

    private void assertGoAway(ErrorCode code, int lastStreamId, String cause) throws IOException {
        Frame goAway = client.awaitGoAway();
        assertThat(goAway.code()).as("GOAWAY %s", goAway).isEqualTo(code);
        assertThat(goAway.value()).as("last stream id").isEqualTo(lastStreamId);
        assertThat(client.awaitClosed()).isTrue();
        assertThat(server.stats().http2().goAways()).containsEntry(cause, 1L);
    }

    /** Stream 1 answered and closed on both sides, so that what comes next meets a closed stream. */
    private void servedAndClosed(int streamId) throws IOException {
        assertThat(client.get(streamId, "/first").response(streamId).status()).isEqualTo(200);
        Eventually.awaitStats(server, "stream " + streamId + " closed", s -> s.http2().activeStreams() == 0);
    }

    @Test
    void evenStreamIdIsProtocolError() throws IOException {
        start().get(2, "/even");
        assertGoAway(ErrorCode.PROTOCOL_ERROR, 0, "protocol_error");
        assertThat(handler.calls).hasValue(0);
    }

    @Test
    void headersOnAClosedStreamIsStreamClosed() throws IOException {
        start();
        servedAndClosed(1);
        client.get(1, "/again");
        assertGoAway(ErrorCode.STREAM_CLOSED, 1, "stream_closed");
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void dataOnAClosedStreamIsStreamClosed() throws IOException {
        start();
        servedAndClosed(1);
        client.data(1, "late", true);
        assertGoAway(ErrorCode.STREAM_CLOSED, 1, "stream_closed");
    }

    @Test
    void dataOnAnIdleStreamIsProtocolError() throws IOException {
        start().data(1, "never opened", true);
        assertGoAway(ErrorCode.PROTOCOL_ERROR, 0, "protocol_error");
    }

    @Test
    void rstStreamOnAnIdleStreamIsProtocolError() throws IOException {
        start();
        servedAndClosed(1);
        client.rstStream(3, ErrorCode.CANCEL);
        assertGoAway(ErrorCode.PROTOCOL_ERROR, 1, "protocol_error");
    }

    @Test
    void windowUpdateOnAnIdleStreamIsProtocolError() throws IOException {
        start().windowUpdate(5, 100);
        assertGoAway(ErrorCode.PROTOCOL_ERROR, 0, "protocol_error");
    }

    @Test
    void aBadPrefaceAfterAnH2cUpgradeIsProtocolError() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).http2(Http2Options.defaults()), handler);
        client = RawHttp2.open(server.port());
        // HTTP2-Settings: SETTINGS_MAX_CONCURRENT_STREAMS = 100, base64url
        client.raw(("GET /upgrade HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThat(client.readHttp1Head()).startsWith("HTTP/1.1 101 ");
        client.raw("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertGoAway(ErrorCode.PROTOCOL_ERROR, 1, "protocol_error");
    }

    @Test
    void aPrefaceThatDiffersIsNotHttp2OnACleartextPort() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).http2(Http2Options.defaults()), handler);
        try (RawConnection http1 = server.connect()) {
            byte[] preface = Preface.bytes();
            preface[preface.length - 5] = 'X'; // "...\r\n\r\nXM\r\n\r\n"
            http1.send(preface);
            // "PRI * HTTP/2.0" read as an HTTP/1.1 request line: a version it does not serve
            assertThat(http1.readResponse().status()).isEqualTo(505);
        }
        assertThat(server.stats().http2().goAways()).isEmpty();
    }

    @Test
    void firstFrameNotSettingsIsProtocolError() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4).http2(Http2Options.defaults()), handler);
        client = RawHttp2.open(server.port());
        client.raw(Preface.bytes()).ping(1);
        assertGoAway(ErrorCode.PROTOCOL_ERROR, 0, "protocol_error");
    }

    @Test
    void aFrameOverTheMaxFrameSizeIsFrameSizeError() throws IOException {
        start().request(1, "POST", "/up", false);
        client.data(1, new byte[Http2Settings.MIN_MAX_FRAME_SIZE + 1], false);
        assertGoAway(ErrorCode.FRAME_SIZE_ERROR, 1, "frame_size_error");
    }

    @Test
    void aConnectionWindowPastTwoToThe31IsFlowControlError() throws IOException {
        start().windowUpdate(0, Integer.MAX_VALUE); // 65,535 + 2^31-1 > 2^31-1 (6.9.1)
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR, 0, "flow_control_error");
    }

    @Test
    void anInitialWindowSizeThatOverflowsAnOpenStreamIsFlowControlError() throws IOException {
        start().get(1, "/hold");
        Eventually.awaitStats(server, "/hold running", s -> s.busyThreads() == 1 && handler.calls.get() == 1);
        client.windowUpdate(1, Integer.MAX_VALUE - 65_535); // stream 1's send window at 2^31-1
        client.settings(Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 65_536)); // +1: past it (6.9.2)
        assertGoAway(ErrorCode.FLOW_CONTROL_ERROR, 1, "flow_control_error");
    }

    @Test
    void aFieldBlockThatDoesNotDecodeIsCompressionError() throws IOException {
        start().headerBlock(1, true, new byte[] {(byte) 0x80}); // indexed field 0: no such entry (RFC 7541 6.1)
        assertGoAway(ErrorCode.COMPRESSION_ERROR, 1, "compression_error");
        assertThat(handler.calls).hasValue(0);
    }

    @Test
    void aFieldBlockIndexingPastTheTableIsCompressionErrorEvenOnAStreamItWouldReject() throws IOException {
        start().headerBlock(2, true, new byte[] {(byte) 0xff, 0x40}); // index 190, beyond static + dynamic
        assertGoAway(ErrorCode.COMPRESSION_ERROR, 0, "compression_error");
    }

    // ---- stream errors: RST_STREAM, and the connection goes on --------------------------------

    private void assertResetThenNextServed(int streamId, ErrorCode code, String cause) throws IOException {
        Response reset = client.response(streamId);
        assertThat(reset.reset()).as("stream %d", streamId).isEqualTo(code);
        int next = streamId + 2;
        Response served = client.get(next, "/next").response(next);
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.text()).isEqualTo("GET /next 0");
        assertThat(server.stats().http2().resets()).containsEntry(cause, 1L);
        assertThat(server.stats().http2().goAways()).isEmpty();
    }

    private static final String[] GET_PSEUDO = {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/"};

    private static String[] with(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void anUppercaseFieldNameResetsTheStream() throws IOException {
        start().headerBlock(1, true, RawHttp2.literals(with(GET_PSEUDO, "X-Upper", "1")));
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void aMissingPathResetsTheStream() throws IOException {
        start().headers(1, true, ":method", "GET", ":scheme", "http", ":authority", "localhost");
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
    }

    @Test
    void aConnectionSpecificFieldResetsTheStream() throws IOException {
        start().headers(1, true, with(GET_PSEUDO, "connection", "keep-alive"));
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
    }

    @Test
    void teOtherThanTrailersResetsTheStream() throws IOException {
        start().headers(1, true, with(GET_PSEUDO, "te", "gzip"));
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
    }

    @Test
    void dataAfterEndStreamIsStreamClosedOnTheStream() throws IOException {
        start().get(1, "/hold"); // half-closed (remote) while its handler waits
        Eventually.awaitStats(server, "/hold running", s -> s.busyThreads() == 1 && handler.calls.get() == 1);
        client.data(1, "after the end", true);
        Response reset = client.response(1);
        assertThat(reset.reset()).isEqualTo(ErrorCode.STREAM_CLOSED);
        handler.release.countDown();
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        Eventually.awaitStats(server, "the reset /hold to end", s -> s.busyThreads() == 0);
        // Its response found the stream reset: nothing more was sent on it, nor counted.
        assertThat(server.stats().http2().resets()).isEqualTo(java.util.Map.of("stream_closed", 1L));
        assertThat(client.sync().seen(RawHttp2.RST_STREAM, 1)).hasSize(1);
    }

    @Test
    void aStreamWindowPastTwoToThe31ResetsTheStream() throws IOException {
        start().get(1, "/hold");
        Eventually.awaitStats(server, "/hold running", s -> s.busyThreads() == 1 && handler.calls.get() == 1);
        client.windowUpdate(1, Integer.MAX_VALUE);
        Response reset = client.response(1);
        assertThat(reset.reset()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        handler.release.countDown();
        assertThat(client.get(3, "/next").response(3).status()).isEqualTo(200);
        assertThat(server.stats().http2().resets()).containsEntry("flow_control_error", 1L);
    }

    @Test
    void dataBeyondTheStreamWindowResetsTheStream() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4)
                .http2(Http2Options.defaults().withInitialWindowSize(100)), handler);
        client = RawHttp2.connect(server.port());
        Frame settings = client.await("the server's SETTINGS", f -> f.type() == RawHttp2.SETTINGS && !f.ack());
        assertThat(settings.settings().initialWindowSize()).isEqualTo(100);
        client.settingsAck(); // from here the 100 octets are in force (RFC 9113 6.9.3)
        client.request(1, "POST", "/up", false).data(1, new byte[101], true);
        assertResetThenNextServed(1, ErrorCode.FLOW_CONTROL_ERROR, "flow_control_error");
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void aSmallerStreamWindowBindsOnlyOnceTheClientAcknowledgedIt() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4)
                .http2(Http2Options.defaults().withInitialWindowSize(100)), handler);
        client = RawHttp2.connect(server.port());
        // No SETTINGS ACK yet: the client may still count on 65,535 octets (RFC 9113 6.9.3).
        client.request(1, "POST", "/up", false).data(1, new byte[1000], true);
        assertThat(client.response(1).text()).isEqualTo("POST /up 1000");
        client.request(3, "POST", "/up", false).data(3, new byte[1000], false);
        // The server gave those 1000 back (WINDOW_UPDATE); with the ACK the window is 100 octets.
        client.settingsAck().data(3, new byte[101], true);
        assertThat(client.response(3).reset()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void aHeadersThatDependsOnItselfResetsTheStreamAndDoesNotRunIt() throws IOException {
        // One worker, held: the malformed stream waits in the queue when its reset comes.
        server = RunningServer.start(ServerOptions.builder().workerThreads(1).minWorkerThreads(1)
                .http2(Http2Options.defaults()), handler);
        client = RawHttp2.connect(server.port());
        client.get(1, "/hold");
        Eventually.awaitStats(server, "/hold running", s -> s.busyThreads() == 1 && handler.calls.get() == 1);
        // PRIORITY flag: exclusive bit + dependency on stream 3 itself, weight; then the field block
        byte[] block = client.encode(GET_PSEUDO);
        byte[] payload = RawHttp2.join(java.nio.ByteBuffer.allocate(5).putInt(3).put((byte) 15).array(), block);
        client.frame(RawHttp2.HEADERS, RawHttp2.END_STREAM | RawHttp2.END_HEADERS | 0x20, 3, payload);
        assertThat(client.response(3).reset()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        handler.release.countDown();
        assertThat(client.response(1).status()).isEqualTo(200);
        Eventually.awaitStats(server, "the queue drained", s -> s.busyThreads() == 0 && s.queueSize() == 0);
        assertThat(handler.calls).as("the reset stream never ran").hasValue(1);
    }

    @Test
    void anEmptyDataFrameOnAOneOctetWindowIsNoWindowUpdateOfZero() throws IOException {
        server = RunningServer.start(ServerOptions.builder().workerThreads(4)
                .http2(Http2Options.defaults().withInitialWindowSize(1)), handler);
        client = RawHttp2.connect(server.port());
        client.settingsAck();
        client.request(1, "POST", "/up", false).data(1, "a", false).data(1, new byte[0], false).data(1, "b", true);
        assertThat(client.response(1).text()).isEqualTo("POST /up 2");
        assertThat(server.stats().http2().goAways()).isEmpty();
    }

    @Test
    void moreDataThanContentLengthResetsTheStream() throws IOException {
        start().request(1, "POST", "/up", false, "content-length", "5");
        client.data(1, "0123456789", true);
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void lessDataThanContentLengthResetsTheStream() throws IOException {
        start().request(1, "POST", "/up", false, "content-length", "10");
        client.data(1, "01234", true);
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void trailersWithoutEndStreamResetTheStream() throws IOException {
        start().request(1, "POST", "/up", false);
        client.data(1, "body", false).headers(1, false, "x-trailer", "1");
        assertResetThenNextServed(1, ErrorCode.PROTOCOL_ERROR, "protocol_error");
        assertThat(handler.calls).hasValue(1);
    }

    @Test
    void trailersWithEndStreamCompleteTheRequest() throws IOException {
        start().request(1, "POST", "/up", false);
        client.data(1, "body", false).headers(1, true, "x-trailer", "1");
        assertThat(client.response(1).text()).isEqualTo("POST /up 4");
    }
}
