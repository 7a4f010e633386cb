package dev.minihttp.http2;

import java.nio.ByteBuffer;

/** Passes every event on, for tests that override one of them. */
class ForwardingListener implements FrameListener {

    private final FrameListener next;

    ForwardingListener(FrameListener next) {
        this.next = next;
    }

    @Override
    public void onData(int streamId, ByteBuffer data, boolean endStream, int flowControlledLength) throws Http2Exception {
        next.onData(streamId, data, endStream, flowControlledLength);
    }

    @Override
    public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream) throws Http2Exception {
        next.onHeaders(streamId, headerBlock, endStream);
    }

    @Override
    public void onPriority(int streamId, int dependency, boolean exclusive, int weight) throws Http2Exception {
        next.onPriority(streamId, dependency, exclusive, weight);
    }

    @Override
    public void onRstStream(int streamId, int errorCode) throws Http2Exception {
        next.onRstStream(streamId, errorCode);
    }

    @Override
    public void onSettings(Http2Settings settings) throws Http2Exception {
        next.onSettings(settings);
    }

    @Override
    public void onSettingsAck() throws Http2Exception {
        next.onSettingsAck();
    }

    @Override
    public void onPing(boolean ack, long payload) throws Http2Exception {
        next.onPing(ack, payload);
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) throws Http2Exception {
        next.onGoAway(lastStreamId, errorCode, debugData);
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        next.onWindowUpdate(streamId, increment);
    }

    @Override
    public void onUnknownFrame(int type, int flags, int streamId, int length) throws Http2Exception {
        next.onUnknownFrame(type, flags, streamId, length);
    }
}
