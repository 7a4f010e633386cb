package dev.minihttp.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every event down as a line of text, payloads copied as the listener contract asks.
 * Consecutive pieces of DATA on one stream are merged into one line, so that a frame read in
 * pieces and the same frame read whole compare equal.
 */
final class RecordingListener implements FrameListener {

    final List<String> events = new ArrayList<>();
    private int openDataStream;
    private StringBuilder data;
    private boolean dataEnd;
    private int dataFlow;

    @Override
    public void onData(int streamId, ByteBuffer payload, boolean endStream, int flowControlledLength) {
        if (data == null || openDataStream != streamId || dataEnd) {
            flushData();
            data = new StringBuilder();
            openDataStream = streamId;
            dataFlow = 0;
        }
        data.append(text(payload));
        dataEnd |= endStream;
        dataFlow += flowControlledLength;
    }

    private void flushData() {
        if (data != null) {
            events.add("DATA " + openDataStream + " " + data + (dataEnd ? " END_STREAM" : "") + " flow=" + dataFlow);
            data = null;
            dataEnd = false;
        }
    }

    private void add(String event) {
        flushData();
        events.add(event);
    }

    @Override
    public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream) {
        add("HEADERS " + streamId + " " + text(headerBlock) + (endStream ? " END_STREAM" : ""));
    }

    @Override
    public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
        add("PRIORITY " + streamId + " on " + dependency + (exclusive ? " exclusive" : "") + " weight " + weight);
    }

    @Override
    public void onRstStream(int streamId, int errorCode) {
        add("RST_STREAM " + streamId + " " + errorCode);
    }

    @Override
    public void onSettings(Http2Settings settings) {
        add("SETTINGS " + settings);
    }

    @Override
    public void onSettingsAck() {
        add("SETTINGS ACK");
    }

    @Override
    public void onPing(boolean ack, long payload) {
        add("PING " + (ack ? "ACK " : "") + Long.toHexString(payload));
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        add("GOAWAY " + lastStreamId + " " + errorCode + " " + text(debugData));
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) {
        add("WINDOW_UPDATE " + streamId + " " + increment);
    }

    @Override
    public void onUnknownFrame(int type, int flags, int streamId, int length) {
        add("UNKNOWN " + type + " " + streamId + " " + length);
    }

    /** The events so far, the last DATA line included. */
    List<String> events() {
        flushData();
        return events;
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
