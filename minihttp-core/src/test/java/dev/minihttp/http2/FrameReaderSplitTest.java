package dev.minihttp.http2;

import static dev.minihttp.http2.FrameReaderTest.CONTINUATION;
import static dev.minihttp.http2.FrameReaderTest.DATA;
import static dev.minihttp.http2.FrameReaderTest.END_HEADERS;
import static dev.minihttp.http2.FrameReaderTest.END_STREAM;
import static dev.minihttp.http2.FrameReaderTest.GOAWAY;
import static dev.minihttp.http2.FrameReaderTest.HEADERS;
import static dev.minihttp.http2.FrameReaderTest.PADDED;
import static dev.minihttp.http2.FrameReaderTest.PING;
import static dev.minihttp.http2.FrameReaderTest.PRIORITY;
import static dev.minihttp.http2.FrameReaderTest.PRIORITY_FLAG;
import static dev.minihttp.http2.FrameReaderTest.RST_STREAM;
import static dev.minihttp.http2.FrameReaderTest.SETTINGS;
import static dev.minihttp.http2.FrameReaderTest.WINDOW_UPDATE;
import static dev.minihttp.http2.RawFrames.afterPreface;
import static dev.minihttp.http2.RawFrames.ascii;
import static dev.minihttp.http2.RawFrames.concat;
import static dev.minihttp.http2.RawFrames.int32;
import static dev.minihttp.http2.RawFrames.setting;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The same frames read whole, cut in two at every offset, and fed one byte at a time. */
class FrameReaderSplitTest {

    private static final byte[] FRAMES = afterPreface()
            .frame(SETTINGS, 0, 0, concat(setting(4, 1 << 16), setting(5, 20_000)))
            .frame(HEADERS, PADDED | PRIORITY_FLAG, 1, concat(new byte[] {3}, int32(0), new byte[] {16}, ascii("first-"), new byte[3]))
            .frame(CONTINUATION, 0, 1, ascii("second-"))
            .frame(CONTINUATION, END_HEADERS, 1, ascii("third"))
            .frame(DATA, PADDED, 1, concat(new byte[] {4}, ascii("body bytes"), new byte[4]))
            .frame(DATA, 0, 1, ascii("more"))
            .frame(DATA, END_STREAM, 1)
            .frame(HEADERS, END_HEADERS | END_STREAM, 3, ascii("single"))
            .frame(PRIORITY, 0, 5, concat(int32(3), new byte[] {7}))
            .frame(RST_STREAM, 0, 3, int32(8))
            .frame(PING, 0, 0, ascii("12345678"))
            .frame(WINDOW_UPDATE, 0, 0, int32(65_535))
            .frame(0x33, 0, 1, ascii("unknown"))
            .frame(GOAWAY, 0, 0, concat(int32(3), int32(0), ascii("bye")))
            .bytes();

    private static List<String> readInPieces(byte[] bytes, int... cuts) throws Http2Exception {
        RecordingListener listener = new RecordingListener();
        FrameReader reader = new FrameReader();
        int from = 0;
        for (int cut : cuts) {
            ByteBuffer piece = ByteBuffer.wrap(bytes, from, cut - from);
            reader.read(piece, listener);
            assertThat(piece.hasRemaining()).isFalse();
            from = cut;
        }
        reader.read(ByteBuffer.wrap(bytes, from, bytes.length - from), listener);
        assertThat(reader.isMidFrame()).isFalse();
        return listener.events();
    }

    @Test
    void wholeInput() throws Http2Exception {
        assertThat(readInPieces(FRAMES)).containsExactly(
                "SETTINGS Http2Settings{}",
                "SETTINGS Http2Settings{INITIAL_WINDOW_SIZE=65536, MAX_FRAME_SIZE=20000}",
                "HEADERS 1 first-second-third",
                "DATA 1 body bytesmore END_STREAM flow=19",
                "HEADERS 3 single END_STREAM",
                "PRIORITY 5 on 3 weight 8",
                "RST_STREAM 3 8",
                "PING 3132333435363738",
                "WINDOW_UPDATE 0 65535",
                "UNKNOWN 51 1 7",
                "GOAWAY 3 0 bye");
    }

    @Test
    void cutInTwoAtEveryOffset() throws Http2Exception {
        List<String> whole = readInPieces(FRAMES);
        for (int cut = 0; cut <= FRAMES.length; cut++) {
            assertThat(readInPieces(FRAMES, cut)).as("cut at %d", cut).isEqualTo(whole);
        }
    }

    @Test
    void cutInThreeAtEveryPairOfOffsetsNearFrameBoundaries() throws Http2Exception {
        List<String> whole = readInPieces(FRAMES);
        for (int a = 0; a <= FRAMES.length; a += 3) {
            for (int b = a; b <= FRAMES.length; b += 7) {
                assertThat(readInPieces(FRAMES, a, b)).as("cuts at %d, %d", a, b).isEqualTo(whole);
            }
        }
    }

    @Test
    void oneByteAtATime() throws Http2Exception {
        int[] cuts = new int[FRAMES.length - 1];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        assertThat(readInPieces(FRAMES, cuts)).isEqualTo(readInPieces(FRAMES));
    }

    @Test
    void dataReadInPiecesIsNeverCopiedAndCountsEveryOctetOnce() throws Http2Exception {
        byte[] bytes = afterPreface().frame(DATA, PADDED | END_STREAM, 1, concat(new byte[] {2}, ascii("abcdef"), new byte[2])).bytes();
        int[] flows = new int[1];
        int[] ends = new int[1];
        FrameListener sameArray = new ForwardingListener(new RecordingListener()) {
            @Override
            public void onData(int streamId, ByteBuffer data, boolean endStream, int flow) {
                // a view of the caller's array: no copy was made
                if (data.hasRemaining()) {
                    assertThat(data.hasArray() && data.array() == bytes).isTrue();
                }
                flows[0] += flow;
                ends[0] += endStream ? 1 : 0;
            }
        };
        FrameReader reader = new FrameReader();
        for (int i = 0; i < bytes.length; i++) {
            reader.read(ByteBuffer.wrap(bytes, i, 1), sameArray);
        }
        assertThat(flows[0]).isEqualTo(9);
        assertThat(ends[0]).isEqualTo(1);
    }

    @Test
    void paddingIsReportedByTheReadThatConsumedIt() throws Http2Exception {
        // a fuzzing finding: padding alone in a piece was only reported once more data came
        byte[] bytes = afterPreface().frame(DATA, PADDED, 1, concat(new byte[] {3}, ascii("ab"), new byte[3])).bytes();
        int header = RawFrames.SETTINGS_EMPTY.length + 9;
        FrameReader reader = new FrameReader();
        RecordingListener listener = new RecordingListener();
        reader.read(ByteBuffer.wrap(bytes, 0, header + 1), listener);
        assertThat(listener.events()).containsExactly("SETTINGS Http2Settings{}", "DATA 1  flow=1");
        reader.read(ByteBuffer.wrap(bytes, header + 1, 3), listener);
        assertThat(listener.events()).endsWith("DATA 1 ab flow=3");
        reader.read(ByteBuffer.wrap(bytes, header + 4, 1), listener);
        assertThat(listener.events()).endsWith("DATA 1  flow=1");
        reader.read(ByteBuffer.wrap(bytes, header + 5, 1), listener);
        assertThat(listener.events()).endsWith("DATA 1  flow=1").hasSize(5);
        assertThat(reader.isMidFrame()).isFalse();
    }

    @Test
    void aFieldBlockInOneFrameAndOneBufferIsNotCopied() throws Http2Exception {
        byte[] bytes = afterPreface().frame(HEADERS, END_HEADERS, 1, ascii("block")).bytes();
        boolean[] sameArray = new boolean[1];
        new FrameReader().read(ByteBuffer.wrap(bytes), new ForwardingListener(new RecordingListener()) {
            @Override
            public void onHeaders(int streamId, ByteBuffer block, boolean endStream) {
                sameArray[0] = block.array() == bytes;
            }
        });
        assertThat(sameArray[0]).isTrue();
    }
}
