package dev.minihttp.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class Http2SettingsTest {

    @Test
    void defaultsAreThoseOfTheRfc() {
        Http2Settings defaults = Http2Settings.defaults();
        assertThat(defaults.headerTableSize()).isEqualTo(4096);
        assertThat(defaults.enablePush()).isTrue();
        assertThat(defaults.maxConcurrentStreams()).isEqualTo(Http2Settings.UNLIMITED);
        assertThat(defaults.initialWindowSize()).isEqualTo(65_535);
        assertThat(defaults.maxFrameSize()).isEqualTo(16_384);
        assertThat(defaults.maxHeaderListSize()).isEqualTo(Http2Settings.UNLIMITED);
        assertThat(defaults.encodedLength()).isZero();
        for (int id = 1; id <= 6; id++) {
            assertThat(defaults.isSet(id)).isFalse();
        }
    }

    @Test
    void aLaterEntryForTheSameIdWinsAndUnknownIdsAreIgnored() throws Http2Exception {
        byte[] payload = RawFrames.concat(RawFrames.setting(3, 10), RawFrames.setting(7, 1), RawFrames.setting(3, 20));
        Http2Settings parsed = Http2Settings.parse(ByteBuffer.wrap(payload), 0, payload.length);
        assertThat(parsed.maxConcurrentStreams()).isEqualTo(20);
        assertThat(parsed.toString()).isEqualTo("Http2Settings{MAX_CONCURRENT_STREAMS=20}");
    }

    @Test
    void aPayloadOfPartialEntriesIsAFrameSizeError() {
        Http2Exception e = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> Http2Settings.parse(ByteBuffer.allocate(7), 0, 7), Http2Exception.class);
        assertThat(e.code()).isEqualTo(ErrorCode.FRAME_SIZE_ERROR);
        assertThat(e.isConnectionError()).isTrue();
    }

    @Test
    void mergeTakesOnlyWhatTheUpdateSet() {
        Http2Settings current = Http2Settings.defaults().with(Http2Settings.MAX_FRAME_SIZE, 32_768)
                .with(Http2Settings.INITIAL_WINDOW_SIZE, 100);
        Http2Settings update = Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 200);
        Http2Settings merged = current.merge(update);
        assertThat(merged.maxFrameSize()).isEqualTo(32_768);
        assertThat(merged.initialWindowSize()).isEqualTo(200);
        assertThat(current.initialWindowSize()).isEqualTo(100);
        assertThat(current.merge(Http2Settings.defaults())).isSameAs(current);
    }

    @Test
    void withRefusesWhatTheWireWouldRefuse() {
        assertThatThrownBy(() -> Http2Settings.defaults().with(Http2Settings.ENABLE_PUSH, 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http2Settings.defaults().with(Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http2Settings.defaults().with(Http2Settings.MAX_FRAME_SIZE, 1 << 24))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http2Settings.defaults().with(9, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http2Settings.defaults().with(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeAndParseRoundTrip() throws Http2Exception {
        Http2Settings settings = Http2Settings.defaults().with(1, 0).with(2, 0).with(3, 0xFFFF_FFFFL)
                .with(4, 0x7FFF_FFFF).with(5, 16_777_215).with(6, 8192);
        ByteBuffer out = ByteBuffer.allocate(settings.encodedLength());
        settings.encode(out);
        assertThat(out.hasRemaining()).isFalse();
        assertThat(Http2Settings.parse(out.flip(), 0, 36)).isEqualTo(settings);
    }
}
