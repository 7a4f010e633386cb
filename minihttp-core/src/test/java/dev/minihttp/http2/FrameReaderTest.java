package dev.minihttp.http2;

import static dev.minihttp.http2.RawFrames.afterPreface;
import static dev.minihttp.http2.RawFrames.ascii;
import static dev.minihttp.http2.RawFrames.concat;
import static dev.minihttp.http2.RawFrames.int32;
import static dev.minihttp.http2.RawFrames.setting;
import static dev.minihttp.http2.RawFrames.zeros;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every rule of RFC 9113 that one frame decides, on frames written by hand. */
class FrameReaderTest {

    static final int DATA = 0x0;
    static final int HEADERS = 0x1;
    static final int PRIORITY = 0x2;
    static final int RST_STREAM = 0x3;
    static final int SETTINGS = 0x4;
    static final int PUSH_PROMISE = 0x5;
    static final int PING = 0x6;
    static final int GOAWAY = 0x7;
    static final int WINDOW_UPDATE = 0x8;
    static final int CONTINUATION = 0x9;

    static final int END_STREAM = 0x1;
    static final int ACK = 0x1;
    static final int END_HEADERS = 0x4;
    static final int PADDED = 0x8;
    static final int PRIORITY_FLAG = 0x20;

    private final RecordingListener listener = new RecordingListener();

    private List<String> read(RawFrames frames) throws Http2Exception {
        new FrameReader().read(ByteBuffer.wrap(frames.bytes()), listener);
        return listener.events().subList(1, listener.events().size()); // the SETTINGS after the preface
    }

    private Http2Exception error(RawFrames frames) {
        return catchThrowableOfType(() -> new FrameReader().read(ByteBuffer.wrap(frames.bytes()), listener),
                Http2Exception.class);
    }

    private void assertConnectionError(RawFrames frames, ErrorCode code) {
        Http2Exception e = error(frames);
        assertThat(e).as("expected a connection error " + code).isNotNull();
        assertThat(e.isConnectionError()).as(e.toString()).isTrue();
        assertThat(e.code()).as(e.toString()).isEqualTo(code);
        assertThat(e.streamId()).isZero();
        assertThat(e.reason()).isNotBlank();
    }

    private void assertStreamError(RawFrames frames, int streamId, ErrorCode code) {
        Http2Exception e = error(frames);
        assertThat(e).as("expected a stream error " + code).isNotNull();
        assertThat(e.isConnectionError()).as(e.toString()).isFalse();
        assertThat(e.code()).as(e.toString()).isEqualTo(code);
        assertThat(e.streamId()).isEqualTo(streamId);
    }

    // ---- well-formed frames

    @Test
    void readsEveryFrameType() throws Http2Exception {
        RawFrames frames = afterPreface()
                .frame(SETTINGS, 0, 0, concat(setting(1, 8192), setting(3, 50), setting(4, 1 << 20), setting(0x99, 7)))
                .frame(SETTINGS, ACK, 0)
                .frame(HEADERS, END_HEADERS, 1, ascii("block"))
                .frame(DATA, END_STREAM, 1, ascii("hello"))
                .frame(PRIORITY, 0, 3, concat(int32(0x8000_0001L), new byte[] {15}))
                .frame(RST_STREAM, 0, 3, int32(8))
                .frame(PING, 0, 0, concat(int32(0x01020304), int32(0x05060708)))
                .frame(PING, ACK, 0, zeros(8))
                .frame(WINDOW_UPDATE, 0, 0, int32(1000))
                .frame(WINDOW_UPDATE, 0, 5, int32(0x7FFF_FFFF))
                .frame(GOAWAY, 0, 0, concat(int32(7), int32(0xb), ascii("calm")));
        assertThat(read(frames)).containsExactly(
                "SETTINGS Http2Settings{HEADER_TABLE_SIZE=8192, MAX_CONCURRENT_STREAMS=50, INITIAL_WINDOW_SIZE=1048576}",
                "SETTINGS ACK",
                "HEADERS 1 block",
                "DATA 1 hello END_STREAM flow=5",
                "PRIORITY 3 on 1 exclusive weight 16",
                "RST_STREAM 3 8",
                "PING 102030405060708",
                "PING ACK 0",
                "WINDOW_UPDATE 0 1000",
                "WINDOW_UPDATE 5 2147483647",
                "GOAWAY 7 11 calm");
    }

    @Test
    void paddedDataCountsPaddingAsFlowControlled() throws Http2Exception {
        RawFrames frames = afterPreface()
                .frame(DATA, PADDED, 1, concat(new byte[] {3}, ascii("abc"), zeros(3)))
                .frame(DATA, PADDED | END_STREAM, 3, concat(new byte[] {4}, zeros(4)));
        assertThat(read(frames)).containsExactly("DATA 1 abc flow=7", "DATA 3  END_STREAM flow=5");
    }

    @Test
    void emptyDataIsReported() throws Http2Exception {
        assertThat(read(afterPreface().frame(DATA, END_STREAM, 1))).containsExactly("DATA 1  END_STREAM flow=0");
    }

    @Test
    void headersLoseTheirPaddingAndPriority() throws Http2Exception {
        RawFrames frames = afterPreface().frame(HEADERS, END_HEADERS | PADDED | PRIORITY_FLAG | END_STREAM, 1,
                concat(new byte[] {2}, int32(3), new byte[] {(byte) 200}, ascii("fields"), zeros(2)));
        assertThat(read(frames)).containsExactly("HEADERS 1 fields END_STREAM");
    }

    @Test
    void assemblesAFieldBlockFromContinuations() throws Http2Exception {
        RawFrames frames = afterPreface()
                .frame(HEADERS, END_STREAM, 1, ascii("one-"))
                .frame(CONTINUATION, 0, 1)
                .frame(CONTINUATION, 0, 1, ascii("two-"))
                .frame(CONTINUATION, END_HEADERS, 1, ascii("three"))
                .frame(HEADERS, END_HEADERS, 3, ascii("next"));
        assertThat(read(frames)).containsExactly("HEADERS 1 one-two-three END_STREAM", "HEADERS 3 next");
    }

    @Test
    void ignoresUnknownFrameTypesAndTheReservedBit() throws Http2Exception {
        RawFrames frames = afterPreface()
                .frame(0x42, 0xff, 0, ascii("whatever"))
                .frame(0xfa, 0, 7)
                .frame(WINDOW_UPDATE, 0, 0x8000_0003, int32(0x8000_0010L));
        assertThat(read(frames)).containsExactly("UNKNOWN 66 0 8", "UNKNOWN 250 7 0", "WINDOW_UPDATE 3 16");
    }

    @Test
    void readingGoesOnAfterAStreamError() throws Http2Exception {
        byte[] bytes = afterPreface()
                .frame(PRIORITY, 0, 3, zeros(4))
                .frame(PING, 0, 0, zeros(8)).bytes();
        FrameReader reader = new FrameReader();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Http2Exception e = catchThrowableOfType(() -> reader.read(in, listener), Http2Exception.class);
        assertThat(e.streamId()).isEqualTo(3);
        reader.read(in, listener);
        assertThat(listener.events()).containsExactly("SETTINGS Http2Settings{}", "PING 0");
    }

    @Test
    void aStreamErrorThrownByTheListenerLeavesTheReaderAtTheNextFrame() throws Http2Exception {
        byte[] bytes = afterPreface().frame(DATA, 0, 1, ascii("x")).frame(PING, 0, 0, zeros(8)).bytes();
        FrameReader reader = new FrameReader();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        FrameListener refusing = new ForwardingListener(listener) {
            @Override
            public void onData(int streamId, ByteBuffer data, boolean endStream, int flow) throws Http2Exception {
                throw Http2Exception.streamError(streamId, ErrorCode.STREAM_CLOSED, "closed");
            }
        };
        assertThat(catchThrowableOfType(() -> reader.read(in, refusing), Http2Exception.class).code())
                .isEqualTo(ErrorCode.STREAM_CLOSED);
        reader.read(in, listener);
        assertThat(listener.events()).endsWith("PING 0");
    }

    @Test
    void aListenerRefusingAnUnknownFrameLeavesItsPayloadSkipped() throws Http2Exception {
        byte[] bytes = afterPreface().frame(0x42, 0, 1, ascii("payload")).frame(PING, 0, 0, zeros(8)).bytes();
        FrameReader reader = new FrameReader();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        FrameListener refusing = new ForwardingListener(listener) {
            @Override
            public void onUnknownFrame(int type, int flags, int streamId, int length) throws Http2Exception {
                throw Http2Exception.streamError(streamId, ErrorCode.REFUSED_STREAM, "no");
            }
        };
        assertThat(catchThrowableOfType(() -> reader.read(in, refusing), Http2Exception.class).code())
                .isEqualTo(ErrorCode.REFUSED_STREAM);
        reader.read(in, listener);
        assertThat(listener.events()).endsWith("PING 0");
    }

    // ---- the preface and frame sizes

    @Test
    void thePrefaceMustBeFollowedBySettings() {
        assertConnectionError(RawFrames.bare().frame(PING, 0, 0, zeros(8)), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(RawFrames.bare().frame(SETTINGS, ACK, 0), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void aFrameLongerThanMaxFrameSizeIsAFrameSizeError() {
        // only the header is needed: the error comes before the payload is waited for
        assertConnectionError(afterPreface().frame(16_385, DATA, 0, 1), ErrorCode.FRAME_SIZE_ERROR);
        assertConnectionError(afterPreface().frame(0xFFFFFF, HEADERS, END_HEADERS, 1), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void aLargerMaxFrameSizeAcceptsLongerFrames() throws Http2Exception {
        FrameReader reader = new FrameReader(new FrameReaderLimits(32_768, 65_536, 8));
        byte[] payload = zeros(20_000);
        reader.read(ByteBuffer.wrap(afterPreface().frame(DATA, 0, 1, payload).bytes()), listener);
        assertThat(listener.events()).hasSize(2);
    }

    // ---- stream identifiers

    @ParameterizedTest
    @ValueSource(ints = {DATA, HEADERS, PRIORITY, RST_STREAM, CONTINUATION})
    void streamFramesOnStreamZeroAreProtocolErrors(int type) {
        int length = type == PRIORITY ? 5 : type == RST_STREAM ? 4 : 0;
        assertConnectionError(afterPreface().frame(type, END_HEADERS, 0, zeros(length)), ErrorCode.PROTOCOL_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {SETTINGS, PING, GOAWAY})
    void connectionFramesOnAStreamAreProtocolErrors(int type) {
        int length = type == SETTINGS ? 0 : 8;
        assertConnectionError(afterPreface().frame(type, 0, 1, zeros(length)), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void pushPromiseFromAClientIsAProtocolError() {
        assertConnectionError(afterPreface().frame(PUSH_PROMISE, END_HEADERS, 1, int32(2)), ErrorCode.PROTOCOL_ERROR);
    }

    // ---- padding

    @Test
    void dataPaddingAsLongAsThePayloadIsAProtocolError() {
        assertConnectionError(afterPreface().frame(DATA, PADDED, 1, concat(new byte[] {3}, zeros(2))), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(DATA, PADDED, 1, new byte[] {1}), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(DATA, PADDED, 1, new byte[] {(byte) 255}), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void paddedFramesTooShortForTheirFieldsAreFrameSizeErrors() {
        assertConnectionError(afterPreface().frame(DATA, PADDED, 1), ErrorCode.FRAME_SIZE_ERROR);
        assertConnectionError(afterPreface().frame(HEADERS, PADDED | END_HEADERS, 1), ErrorCode.FRAME_SIZE_ERROR);
        assertConnectionError(afterPreface().frame(HEADERS, PRIORITY_FLAG | END_HEADERS, 1, zeros(4)), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void headersPaddingLongerThanWhatRemainsIsAProtocolError() {
        assertConnectionError(afterPreface().frame(HEADERS, PADDED | END_HEADERS, 1, concat(new byte[] {2}, ascii("a"))),
                ErrorCode.PROTOCOL_ERROR);
        // with priority fields the padding has 5 octets less room
        assertConnectionError(afterPreface().frame(HEADERS, PADDED | PRIORITY_FLAG | END_HEADERS, 1,
                concat(new byte[] {2}, int32(0), new byte[] {0}, ascii("a"))), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void headersPaddingMayLeaveAnEmptyFragment() throws Http2Exception {
        assertThat(read(afterPreface().frame(HEADERS, PADDED | END_HEADERS, 1, concat(new byte[] {2}, zeros(2)))))
                .containsExactly("HEADERS 1 ");
    }

    // ---- fixed lengths

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 6, 100})
    void priorityOfTheWrongLengthIsAStreamFrameSizeError(int length) {
        assertStreamError(afterPreface().frame(PRIORITY, 0, 5, zeros(length)), 5, ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void aStreamCannotDependOnItself() throws Http2Exception {
        assertStreamError(afterPreface().frame(PRIORITY, 0, 5, concat(int32(5), new byte[] {1})), 5, ErrorCode.PROTOCOL_ERROR);
        // HEADERS: the block is delivered first, the HPACK decoder must see it
        RawFrames frames = afterPreface().frame(HEADERS, PRIORITY_FLAG | END_HEADERS, 7,
                concat(int32(0x8000_0007L), new byte[] {1}, ascii("b")));
        assertStreamError(frames, 7, ErrorCode.PROTOCOL_ERROR);
        assertThat(listener.events()).endsWith("HEADERS 7 b");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 8})
    void rstStreamOfTheWrongLengthIsAFrameSizeError(int length) {
        assertConnectionError(afterPreface().frame(RST_STREAM, 0, 1, zeros(length)), ErrorCode.FRAME_SIZE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 7, 13})
    void settingsNotAMultipleOfSixIsAFrameSizeError(int length) {
        assertConnectionError(afterPreface().frame(SETTINGS, 0, 0, zeros(length)), ErrorCode.FRAME_SIZE_ERROR);
    }

    @Test
    void settingsAckWithAPayloadIsAFrameSizeError() {
        assertConnectionError(afterPreface().frame(SETTINGS, ACK, 0, setting(1, 0)), ErrorCode.FRAME_SIZE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 9, 16})
    void pingOfTheWrongLengthIsAFrameSizeError(int length) {
        assertConnectionError(afterPreface().frame(PING, 0, 0, zeros(length)), ErrorCode.FRAME_SIZE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4, 7})
    void goAwayShorterThanEightIsAFrameSizeError(int length) {
        assertConnectionError(afterPreface().frame(GOAWAY, 0, 0, zeros(length)), ErrorCode.FRAME_SIZE_ERROR);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 8})
    void windowUpdateOfTheWrongLengthIsAFrameSizeError(int length) {
        assertConnectionError(afterPreface().frame(WINDOW_UPDATE, 0, 0, zeros(length)), ErrorCode.FRAME_SIZE_ERROR);
        assertConnectionError(afterPreface().frame(WINDOW_UPDATE, 0, 1, zeros(length)), ErrorCode.FRAME_SIZE_ERROR);
    }

    // ---- settings values (6.5.2)

    @Test
    void settingsValuesOutsideTheirRangeAreRefused() {
        assertConnectionError(afterPreface().frame(SETTINGS, 0, 0, setting(2, 2)), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(SETTINGS, 0, 0, setting(4, 0x8000_0000L)), ErrorCode.FLOW_CONTROL_ERROR);
        assertConnectionError(afterPreface().frame(SETTINGS, 0, 0, setting(5, 16_383)), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(SETTINGS, 0, 0, setting(5, 16_777_216)), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void settingsValuesAtTheEdgesAreAccepted() throws Http2Exception {
        RawFrames frames = afterPreface().frame(SETTINGS, 0, 0, concat(setting(2, 0), setting(4, 0x7FFF_FFFF),
                setting(5, 16_777_215), setting(6, 0xFFFF_FFFFL), setting(0, 1), setting(0xFFFF, 1)));
        assertThat(read(frames)).containsExactly("SETTINGS Http2Settings{ENABLE_PUSH=0, INITIAL_WINDOW_SIZE=2147483647, "
                + "MAX_FRAME_SIZE=16777215, MAX_HEADER_LIST_SIZE=4294967295}");
    }

    // ---- window updates

    @Test
    void aZeroWindowIncrementIsAStreamErrorOnAStreamAndAConnectionErrorOnTheConnection() {
        assertStreamError(afterPreface().frame(WINDOW_UPDATE, 0, 3, int32(0)), 3, ErrorCode.PROTOCOL_ERROR);
        // the reserved bit alone is still an increment of 0
        assertStreamError(afterPreface().frame(WINDOW_UPDATE, 0, 3, int32(0x8000_0000L)), 3, ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(WINDOW_UPDATE, 0, 0, int32(0)), ErrorCode.PROTOCOL_ERROR);
    }

    // ---- field blocks

    @Test
    void onlyContinuationOfTheSameStreamMayFollowHeadersWithoutEndHeaders() {
        RawFrames open = afterPreface().frame(HEADERS, 0, 1, ascii("a"));
        assertConnectionError(afterPreface().frame(HEADERS, 0, 1, ascii("a")).frame(DATA, 0, 1), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(HEADERS, 0, 1, ascii("a")).frame(CONTINUATION, END_HEADERS, 3),
                ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(HEADERS, 0, 1, ascii("a")).frame(PING, 0, 0, zeros(8)),
                ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(HEADERS, 0, 1, ascii("a")).frame(HEADERS, END_HEADERS, 1),
                ErrorCode.PROTOCOL_ERROR);
        // extension frames are no exception inside a field block (5.5)
        assertConnectionError(open.frame(0x42, 0, 1), ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void continuationWithoutHeadersIsAProtocolError() {
        assertConnectionError(afterPreface().frame(CONTINUATION, END_HEADERS, 1), ErrorCode.PROTOCOL_ERROR);
        assertConnectionError(afterPreface().frame(HEADERS, END_HEADERS, 1).frame(CONTINUATION, END_HEADERS, 1),
                ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void anEndlessRunOfEmptyContinuationsEndsTheConnection() {
        // CVE-2024-27316: empty CONTINUATIONs cost no bytes, so only the frame count stops them
        RawFrames flood = afterPreface().frame(HEADERS, 0, 1);
        for (int i = 0; i < FrameReaderLimits.DEFAULT_MAX_HEADER_BLOCK_FRAMES; i++) {
            flood.frame(CONTINUATION, 0, 1);
        }
        assertConnectionError(flood, ErrorCode.ENHANCE_YOUR_CALM);
        assertThat(listener.events()).hasSize(1);
    }

    @Test
    void theLastContinuationWithinTheFrameLimitIsAccepted() throws Http2Exception {
        RawFrames frames = afterPreface().frame(HEADERS, 0, 1, ascii("x"));
        for (int i = 2; i < FrameReaderLimits.DEFAULT_MAX_HEADER_BLOCK_FRAMES; i++) {
            frames.frame(CONTINUATION, 0, 1);
        }
        frames.frame(CONTINUATION, END_HEADERS, 1, ascii("y"));
        assertThat(read(frames)).containsExactly("HEADERS 1 xy");
    }

    @Test
    void aFieldBlockOverTheByteLimitEndsTheConnectionBeforeItsPayloadIsHeld() {
        RawFrames flood = afterPreface().frame(HEADERS, 0, 1, zeros(16_384));
        for (int i = 0; i < 3; i++) {
            flood.frame(CONTINUATION, 0, 1, zeros(16_384));
        }
        // the fifth frame's header alone is enough to refuse it
        flood.raw(new byte[] {0, 0, 1, CONTINUATION, 0, 0, 0, 0, 1});
        assertConnectionError(flood, ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void aSingleHeadersOverTheByteLimitEndsTheConnection() {
        FrameReader reader = new FrameReader(new FrameReaderLimits(16_384, 100, 4));
        byte[] bytes = afterPreface().frame(HEADERS, END_HEADERS, 1, zeros(101)).bytes();
        Http2Exception e = catchThrowableOfType(() -> reader.read(ByteBuffer.wrap(bytes), listener), Http2Exception.class);
        assertThat(e.code()).isEqualTo(ErrorCode.ENHANCE_YOUR_CALM);
    }

    @Test
    void afterAConnectionErrorEveryReadFailsTheSameWay() {
        FrameReader reader = new FrameReader();
        byte[] bytes = afterPreface().frame(PING, 0, 0, zeros(7)).bytes();
        Http2Exception first = catchThrowableOfType(() -> reader.read(ByteBuffer.wrap(bytes), listener), Http2Exception.class);
        Http2Exception again = catchThrowableOfType(() -> reader.read(ByteBuffer.wrap(RawFrames.SETTINGS_EMPTY), listener),
                Http2Exception.class);
        assertThat(again).isSameAs(first);
    }

    @Test
    void aReaderMidFrameSaysSo() throws Http2Exception {
        FrameReader reader = new FrameReader();
        byte[] bytes = afterPreface().frame(DATA, 0, 1, ascii("abc")).bytes();
        reader.read(ByteBuffer.wrap(bytes, 0, bytes.length - 1), listener);
        assertThat(reader.isMidFrame()).isTrue();
        reader.read(ByteBuffer.wrap(bytes, bytes.length - 1, 1), listener);
        assertThat(reader.isMidFrame()).isFalse();
    }
}
