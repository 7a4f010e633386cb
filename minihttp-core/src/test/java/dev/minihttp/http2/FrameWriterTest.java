package dev.minihttp.http2;

import static dev.minihttp.http2.RawFrames.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What FrameWriter writes, byte for byte, and read back by FrameReader. */
class FrameWriterTest {

    private final FrameWriter writer = new FrameWriter();

    private static byte[] written(ByteBuffer out) {
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }

    private static java.util.List<String> readBack(byte[] frames) throws Http2Exception {
        RecordingListener listener = new RecordingListener();
        new FrameReader().read(ByteBuffer.wrap(RawFrames.concat(RawFrames.SETTINGS_EMPTY, frames)), listener);
        return listener.events().subList(1, listener.events().size());
    }

    @Test
    void writesTheBytesOfRfc9113() {
        ByteBuffer out = ByteBuffer.allocate(256);
        writer.data(out, 1, ByteBuffer.wrap(ascii("hi")), true);
        FrameWriter.rstStream(out, 3, ErrorCode.CANCEL);
        FrameWriter.settingsAck(out);
        FrameWriter.ping(out, true, 0x0102030405060708L);
        FrameWriter.windowUpdate(out, 0, 0x10000);
        FrameWriter.goAway(out, 5, ErrorCode.ENHANCE_YOUR_CALM, ByteBuffer.wrap(ascii("x")));
        byte[] expected = RawFrames.bare()
                .frame(0x0, 0x1, 1, ascii("hi"))
                .frame(0x3, 0, 3, RawFrames.int32(8))
                .frame(0x4, 0x1, 0)
                .frame(0x6, 0x1, 0, new byte[] {1, 2, 3, 4, 5, 6, 7, 8})
                .frame(0x8, 0, 0, RawFrames.int32(0x10000))
                .frame(0x7, 0, 0, RawFrames.concat(RawFrames.int32(5), RawFrames.int32(0xb), ascii("x")))
                .bytes();
        assertThat(written(out)).isEqualTo(expected);
    }

    @Test
    void writesBigEndianWhateverTheBufferOrder() {
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        FrameWriter.windowUpdate(out, 1, 2);
        assertThat(written(out)).isEqualTo(RawFrames.bare().frame(0x8, 0, 1, RawFrames.int32(2)).bytes());
    }

    @Test
    void settingsCarryOnlyWhatWasSet() throws Http2Exception {
        Http2Settings ours = Http2Settings.defaults()
                .with(Http2Settings.MAX_CONCURRENT_STREAMS, 100)
                .with(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20)
                .with(Http2Settings.ENABLE_PUSH, 0);
        ByteBuffer out = ByteBuffer.allocate(64);
        FrameWriter.settings(out, ours);
        byte[] bytes = written(out);
        assertThat(bytes).hasSize(9 + 18);
        assertThat(readBack(bytes)).containsExactly(
                "SETTINGS Http2Settings{ENABLE_PUSH=0, MAX_CONCURRENT_STREAMS=100, INITIAL_WINDOW_SIZE=1048576}");
    }

    @Test
    void aSmallFieldBlockIsOneHeadersFrame() throws Http2Exception {
        ByteBuffer out = ByteBuffer.allocate(64);
        writer.headers(out, 1, ByteBuffer.wrap(ascii("block")), false);
        byte[] bytes = written(out);
        assertThat(bytes).isEqualTo(RawFrames.bare().frame(0x1, 0x4, 1, ascii("block")).bytes());
        assertThat(readBack(bytes)).containsExactly("HEADERS 1 block");
    }

    @Test
    void anEmptyFieldBlockIsStillAFrame() {
        ByteBuffer out = ByteBuffer.allocate(64);
        writer.headers(out, 1, ByteBuffer.allocate(0), true);
        assertThat(written(out)).isEqualTo(RawFrames.bare().frame(0x1, 0x5, 1).bytes());
    }

    @Test
    void aLargeFieldBlockIsSplitAtThePeersMaxFrameSize() throws Http2Exception {
        byte[] block = new byte[16_384 * 2 + 100];
        Arrays.fill(block, (byte) 'a');
        ByteBuffer out = ByteBuffer.allocate(writer.headersLength(block.length));
        writer.headers(out, 7, ByteBuffer.wrap(block), true);
        assertThat(out.hasRemaining()).isFalse();
        byte[] bytes = written(out);
        // HEADERS (END_STREAM), CONTINUATION, CONTINUATION (END_HEADERS)
        assertThat(bytes[3]).isEqualTo((byte) 0x1);
        assertThat(bytes[4]).isEqualTo((byte) 0x1);
        int second = 9 + 16_384;
        assertThat(bytes[second + 3]).isEqualTo((byte) 0x9);
        assertThat(bytes[second + 4]).isEqualTo((byte) 0x0);
        int third = second + 9 + 16_384;
        assertThat(bytes[third + 3]).isEqualTo((byte) 0x9);
        assertThat(bytes[third + 4]).isEqualTo((byte) 0x4);
        assertThat(bytes[third + 2]).isEqualTo((byte) 100);
        assertThat(readBack(bytes)).containsExactly("HEADERS 7 " + new String(block, 0) + " END_STREAM");
    }

    @Test
    void aBlockOfExactlyOneFrameNeedsNoContinuation() {
        writer.maxFrameSize(20_000);
        assertThat(writer.headersLength(20_000)).isEqualTo(20_009);
        assertThat(writer.headersLength(20_001)).isEqualTo(20_001 + 18);
    }

    @Test
    void dataHeaderLeavesThePayloadToTheCaller() throws Http2Exception {
        ByteBuffer out = ByteBuffer.allocate(9);
        writer.dataHeader(out, 3, 4, false);
        byte[] frame = RawFrames.concat(written(out), ascii("body"));
        assertThat(readBack(frame)).containsExactly("DATA 3 body flow=4");
    }

    @Test
    void refusesWhatItCannotWriteWhole() {
        assertThatThrownBy(() -> writer.dataHeader(ByteBuffer.allocate(9), 1, 16_385, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.dataHeader(ByteBuffer.allocate(9), 0, 1, false))
                .isInstanceOf(IllegalArgumentException.class);
        ByteBuffer small = ByteBuffer.allocate(12);
        assertThatThrownBy(() -> FrameWriter.ping(small, false, 1)).isInstanceOf(BufferOverflowException.class);
        assertThat(small.position()).isZero();
        assertThatThrownBy(() -> writer.headers(ByteBuffer.allocate(10), 1, ByteBuffer.allocate(2), false))
                .isInstanceOf(BufferOverflowException.class);
        assertThatThrownBy(() -> FrameWriter.windowUpdate(ByteBuffer.allocate(13), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.maxFrameSize(16_383)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyFrameRoundTrips() throws Http2Exception {
        ByteBuffer out = ByteBuffer.allocate(512);
        FrameWriter.settings(out, Http2Settings.defaults().with(Http2Settings.HEADER_TABLE_SIZE, 0));
        FrameWriter.settingsAck(out);
        writer.headers(out, 1, ByteBuffer.wrap(ascii("h")), false);
        writer.data(out, 1, ByteBuffer.wrap(ascii("d")), true);
        FrameWriter.rstStream(out, 1, ErrorCode.NO_ERROR);
        FrameWriter.ping(out, false, -1L);
        FrameWriter.goAway(out, 0x7FFF_FFFF, ErrorCode.HTTP_1_1_REQUIRED, ByteBuffer.allocate(0));
        FrameWriter.windowUpdate(out, 9, 0x7FFF_FFFF);
        assertThat(readBack(written(out))).containsExactly(
                "SETTINGS Http2Settings{HEADER_TABLE_SIZE=0}",
                "SETTINGS ACK",
                "HEADERS 1 h",
                "DATA 1 d END_STREAM flow=1",
                "RST_STREAM 1 0",
                "PING ffffffffffffffff",
                "GOAWAY 2147483647 13 ",
                "WINDOW_UPDATE 9 2147483647");
    }
}
