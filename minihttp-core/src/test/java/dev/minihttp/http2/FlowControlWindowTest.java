package dev.minihttp.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class FlowControlWindowTest {

    @Test
    void sendingAndIncrementing() throws Http2Exception {
        FlowControlWindow window = new FlowControlWindow(1, 65_535);
        window.consume(65_535);
        assertThat(window.size()).isZero();
        window.increment(10);
        assertThat(window.size()).isEqualTo(10);
        assertThatThrownBy(() -> window.consume(11)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anIncrementPastTheMaximumIsAFlowControlErrorOfItsScope() {
        FlowControlWindow stream = new FlowControlWindow(3, Integer.MAX_VALUE);
        Http2Exception streamError = catchThrowableOfType(() -> stream.increment(1), Http2Exception.class);
        assertThat(streamError.isConnectionError()).isFalse();
        assertThat(streamError.streamId()).isEqualTo(3);
        assertThat(streamError.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);

        FlowControlWindow connection = new FlowControlWindow(0, 65_535);
        Http2Exception connectionError = catchThrowableOfType(() -> connection.increment(Integer.MAX_VALUE), Http2Exception.class);
        assertThat(connectionError.isConnectionError()).isTrue();
        assertThat(connectionError.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
    }

    @Test
    void anIncrementUpToTheMaximumIsFine() throws Http2Exception {
        FlowControlWindow window = new FlowControlWindow(0, 65_535);
        window.increment(Integer.MAX_VALUE - 65_535);
        assertThat(window.size()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void receivingMoreThanTheWindowIsAFlowControlError() throws Http2Exception {
        FlowControlWindow window = new FlowControlWindow(5, 100);
        window.receive(60);
        window.receive(40);
        Http2Exception e = catchThrowableOfType(() -> window.receive(1), Http2Exception.class);
        assertThat(e.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThat(e.streamId()).isEqualTo(5);
    }

    @Test
    void aSmallerInitialWindowSizeMayMakeAWindowNegative() throws Http2Exception {
        FlowControlWindow window = new FlowControlWindow(1, 65_535);
        window.consume(60_000);
        window.initialSizeChanged(65_535, 1_000);
        assertThat(window.size()).isEqualTo(5_535 - 64_535);
        window.increment(60_000);
        assertThat(window.size()).isEqualTo(1_000);
    }

    @Test
    void aLargerInitialWindowSizeThatOverflowsIsAConnectionError() throws Http2Exception {
        FlowControlWindow window = new FlowControlWindow(1, 65_535);
        window.increment(Integer.MAX_VALUE - 65_535);
        Http2Exception e = catchThrowableOfType(() -> window.initialSizeChanged(65_535, 65_536), Http2Exception.class);
        assertThat(e.isConnectionError()).isTrue();
        assertThat(e.code()).isEqualTo(ErrorCode.FLOW_CONTROL_ERROR);
        assertThatThrownBy(() -> new FlowControlWindow(0, 1).initialSizeChanged(1, 2)).isInstanceOf(IllegalStateException.class);
    }
}
