package dev.minihttp.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.PriorityFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.http2.frames.WindowUpdateFrame;
import org.eclipse.jetty.http2.generator.Generator;
import org.eclipse.jetty.http2.hpack.HpackDecoder;
import org.eclipse.jetty.http2.hpack.HpackEncoder;
import org.eclipse.jetty.http2.parser.Parser;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Our frame codec against Jetty's (a second, independent reading of RFC 9113): random frames
 * made by Jetty's generator must read to the same values with our FrameReader, and frames made by
 * our FrameWriter to the same values with Jetty's parser. Field blocks are opaque to the frame
 * codec, so Jetty's HPACK encodes and decodes them on both sides; only framing is compared.
 */
class JettyFrameDifferentialTest {

    private static final int ROUNDS = 200;

    // ---- Jetty writes, we read

    @Test
    void framesGeneratedByJettyReadTheSameWithOurReader() throws Exception {
        Random random = new Random(13);
        int continuations = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Generator generator = new Generator(ByteBufferPool.NON_POOLING);
            generator.getHpackEncoder().setMaxHeaderListSize(1 << 20);
            RetainableByteBuffer.DynamicCapacity wire = new RetainableByteBuffer.DynamicCapacity();
            List<String> expected = new ArrayList<>();
            generator.control(wire, new SettingsFrame(Map.of(), false));
            expected.add("SETTINGS Http2Settings{}");
            int frames = 1 + random.nextInt(12);
            for (int i = 0; i < frames; i++) {
                expected.add(generateOne(random, generator, wire));
            }
            byte[] bytes = wire.takeByteArray();
            continuations += countFrames(ByteBuffer.wrap(bytes), FrameType.CONTINUATION);

            // read whole, then cut at a random offset: the same events either way
            assertThat(readWithOurs(bytes, bytes.length)).as("round %d", round).containsExactlyElementsOf(expected);
            assertThat(readWithOurs(bytes, random.nextInt(bytes.length + 1))).as("round %d cut", round)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(continuations).as("field blocks split by Jetty").isPositive();
    }

    private static int countFrames(ByteBuffer wire, FrameType type) {
        int count = 0;
        for (int at = 0; at + 9 <= wire.limit(); at += 9 + Bytes.u24(wire, at)) {
            count += Bytes.u8(wire, at + 3) == type.code() ? 1 : 0;
        }
        return count;
    }

    private static String generateOne(Random random, Generator generator, RetainableByteBuffer.Mutable wire) throws Exception {
        int streamId = 1 + 2 * random.nextInt(1000);
        switch (random.nextInt(8)) {
            case 0 -> {
                Map<Integer, Integer> values = new HashMap<>();
                values.put(Http2Settings.HEADER_TABLE_SIZE, random.nextInt(1 << 16));
                values.put(Http2Settings.INITIAL_WINDOW_SIZE, random.nextInt(Integer.MAX_VALUE));
                values.put(Http2Settings.MAX_FRAME_SIZE, 16_384 + random.nextInt(16_777_215 - 16_384));
                if (random.nextBoolean()) {
                    values.put(Http2Settings.ENABLE_PUSH, random.nextInt(2));
                }
                boolean ack = random.nextInt(4) == 0;
                generator.control(wire, new SettingsFrame(ack ? Map.of() : values, ack));
                if (ack) {
                    return "SETTINGS ACK";
                }
                Http2Settings settings = Http2Settings.defaults();
                for (int id = 1; id <= 6; id++) {
                    if (values.containsKey(id)) {
                        settings = settings.with(id, values.get(id));
                    }
                }
                return "SETTINGS " + settings;
            }
            case 1 -> {
                byte[] data = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(16_384)];
                random.nextBytes(data);
                boolean end = random.nextBoolean();
                generator.data(wire, new DataFrame(streamId, ByteBuffer.wrap(data), end), data.length);
                return "DATA " + streamId + " " + new String(data, StandardCharsets.ISO_8859_1) + (end ? " END_STREAM" : "")
                        + " flow=" + data.length;
            }
            case 2 -> {
                MetaData.Request request = randomRequest(random);
                boolean end = random.nextBoolean();
                generator.control(wire, new HeadersFrame(streamId, request, null, end));
                return "HEADERS " + streamId + " " + describe(request) + (end ? " END_STREAM" : "");
            }
            case 3 -> {
                int parent = random.nextInt(1000) * 2 + 2;
                int weight = 1 + random.nextInt(256);
                boolean exclusive = random.nextBoolean();
                generator.control(wire, new PriorityFrame(streamId, parent, weight, exclusive));
                return "PRIORITY " + streamId + " on " + parent + (exclusive ? " exclusive" : "") + " weight " + weight;
            }
            case 4 -> {
                int error = random.nextInt(16);
                generator.control(wire, new ResetFrame(streamId, error));
                return "RST_STREAM " + streamId + " " + error;
            }
            case 5 -> {
                long payload = random.nextLong();
                boolean ack = random.nextBoolean();
                generator.control(wire, new PingFrame(payload, ack));
                return "PING " + (ack ? "ACK " : "") + Long.toHexString(payload);
            }
            case 6 -> {
                int increment = 1 + random.nextInt(Integer.MAX_VALUE - 1);
                int stream = random.nextBoolean() ? 0 : streamId;
                generator.control(wire, new WindowUpdateFrame(stream, increment));
                return "WINDOW_UPDATE " + stream + " " + increment;
            }
            default -> {
                String debug = random.nextBoolean() ? "" : "debug " + random.nextInt();
                int error = random.nextInt(14);
                generator.control(wire, new GoAwayFrame(streamId, error, debug.getBytes(StandardCharsets.US_ASCII)));
                return "GOAWAY " + streamId + " " + error + " " + debug;
            }
        }
    }

    private static MetaData.Request randomRequest(Random random) {
        HttpFields.Mutable fields = HttpFields.build();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            fields.add("x-field-" + random.nextInt(50), "v" + random.nextInt());
        }
        if (random.nextInt(4) == 0) {
            // past one frame: Jetty's generator must split it into HEADERS and CONTINUATION
            fields.add("x-big", "a".repeat(27_000 + random.nextInt(30_000)));
        }
        return new MetaData.Request(random.nextBoolean() ? "GET" : "POST",
                HttpURI.from("https://example.com:8443/p/" + random.nextInt() + "?q=1"), HttpVersion.HTTP_2, fields);
    }

    private static String describe(MetaData metaData) {
        StringBuilder text = new StringBuilder();
        if (metaData instanceof MetaData.Request request) {
            text.append(request.getMethod()).append(' ').append(request.getHttpURI());
        } else if (metaData instanceof MetaData.Response response) {
            text.append(response.getStatus());
        }
        metaData.getHttpFields().forEach(field -> text.append(" | ").append(field.getName()).append(": ").append(field.getValue()));
        return text.toString();
    }

    /** Our reader, with the field blocks it hands over decoded by Jetty's HPACK, in one piece or two. */
    private static List<String> readWithOurs(byte[] bytes, int cut) throws Http2Exception {
        HpackDecoder decoder = new HpackDecoder(1 << 20, System::nanoTime);
        RecordingListener recorder = new RecordingListener();
        FrameListener decoding = new ForwardingListener(recorder) {
            @Override
            public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream) {
                try {
                    recorder.events().add("HEADERS " + streamId + " " + describe(decoder.decode(headerBlock))
                            + (endStream ? " END_STREAM" : ""));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        };
        FrameReader reader = new FrameReader(new FrameReaderLimits(Http2Settings.MIN_MAX_FRAME_SIZE, 1 << 20, 32));
        reader.read(ByteBuffer.wrap(bytes, 0, cut), decoding);
        reader.read(ByteBuffer.wrap(bytes, cut, bytes.length - cut), decoding);
        return recorder.events();
    }

    // ---- we write, Jetty reads

    @Test
    void framesWrittenByOursReadTheSameWithJettysParser() throws Exception {
        Random random = new Random(27);
        int continuations = 0;
        for (int round = 0; round < ROUNDS; round++) {
            HpackEncoder encoder = new HpackEncoder();
            encoder.setMaxHeaderListSize(1 << 20);
            FrameWriter writer = new FrameWriter();
            ByteBuffer wire = ByteBuffer.allocate(1 << 20);
            List<String> expected = new ArrayList<>();
            int frames = 1 + random.nextInt(12);
            for (int i = 0; i < frames; i++) {
                expected.add(writeOne(random, writer, encoder, wire));
            }
            wire.flip();
            continuations += countFrames(wire, FrameType.CONTINUATION);
            assertThat(readWithJetty(wire)).as("round %d", round).containsExactlyElementsOf(expected);
        }
        assertThat(continuations).as("field blocks split by ours").isPositive();
    }

    private static String writeOne(Random random, FrameWriter writer, HpackEncoder encoder, ByteBuffer wire) throws Exception {
        int streamId = 1 + 2 * random.nextInt(1000);
        switch (random.nextInt(7)) {
            case 0 -> {
                Http2Settings settings = Http2Settings.defaults()
                        .with(Http2Settings.MAX_CONCURRENT_STREAMS, random.nextInt(1000))
                        .with(Http2Settings.INITIAL_WINDOW_SIZE, random.nextInt(Integer.MAX_VALUE))
                        .with(Http2Settings.ENABLE_PUSH, 0);
                if (random.nextBoolean()) {
                    settings = settings.with(Http2Settings.MAX_HEADER_LIST_SIZE, random.nextInt(1 << 20));
                }
                FrameWriter.settings(wire, settings);
                StringBuilder text = new StringBuilder("SETTINGS");
                for (int id = 1; id <= 6; id++) {
                    if (settings.isSet(id)) {
                        text.append(' ').append(id).append('=').append(settings.value(id));
                    }
                }
                return text.toString();
            }
            case 1 -> {
                byte[] data = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(16_384)];
                random.nextBytes(data);
                boolean end = random.nextBoolean();
                writer.data(wire, streamId, ByteBuffer.wrap(data), end);
                return "DATA " + streamId + " " + data.length + " " + java.util.Arrays.hashCode(data) + (end ? " END_STREAM" : "");
            }
            case 2 -> {
                HttpFields.Mutable fields = HttpFields.build();
                fields.add("content-type", "text/plain");
                int count = random.nextInt(5);
                for (int i = 0; i < count; i++) {
                    fields.add("x-field-" + random.nextInt(50), "v" + random.nextInt());
                }
                if (random.nextInt(3) == 0) {
                    fields.add("x-big", "b".repeat(22_000 + random.nextInt(40_000)));
                }
                MetaData.Response response = new MetaData.Response(200 + random.nextInt(300), null, HttpVersion.HTTP_2, fields);
                ByteBuffer block = ByteBuffer.allocate(1 << 17);
                encoder.encode(block, response);
                block.flip();
                boolean end = random.nextBoolean();
                writer.headers(wire, streamId, block, end);
                return "HEADERS " + streamId + " " + describe(response) + (end ? " END_STREAM" : "");
            }
            case 3 -> {
                ErrorCode code = ErrorCode.values()[random.nextInt(ErrorCode.values().length)];
                FrameWriter.rstStream(wire, streamId, code);
                return "RST_STREAM " + streamId + " " + code.code();
            }
            case 4 -> {
                long payload = random.nextLong();
                boolean ack = random.nextBoolean();
                FrameWriter.ping(wire, ack, payload);
                return "PING " + (ack ? "ACK " : "") + payload;
            }
            case 5 -> {
                int increment = 1 + random.nextInt(Integer.MAX_VALUE - 1);
                int stream = random.nextBoolean() ? 0 : streamId;
                FrameWriter.windowUpdate(wire, stream, increment);
                return "WINDOW_UPDATE " + stream + " " + increment;
            }
            default -> {
                String debug = random.nextBoolean() ? "" : "debug " + random.nextInt();
                ErrorCode code = ErrorCode.values()[random.nextInt(ErrorCode.values().length)];
                FrameWriter.goAway(wire, streamId, code, ByteBuffer.wrap(debug.getBytes(StandardCharsets.US_ASCII)));
                return "GOAWAY " + streamId + " " + code.code() + " " + debug;
            }
        }
    }

    private static List<String> readWithJetty(ByteBuffer wire) {
        List<String> events = new ArrayList<>();
        Parser parser = new Parser(ByteBufferPool.NON_POOLING, 1 << 20);
        parser.init(new Parser.Listener() {
            @Override
            public void onData(DataFrame frame) {
                ByteBuffer data = frame.getByteBuffer();
                byte[] bytes = new byte[data.remaining()];
                data.duplicate().get(bytes);
                events.add("DATA " + frame.getStreamId() + " " + bytes.length + " " + java.util.Arrays.hashCode(bytes)
                        + (frame.isEndStream() ? " END_STREAM" : ""));
            }

            @Override
            public void onHeaders(HeadersFrame frame) {
                events.add("HEADERS " + frame.getStreamId() + " " + describe(frame.getMetaData())
                        + (frame.isEndStream() ? " END_STREAM" : ""));
            }

            @Override
            public void onSettings(SettingsFrame frame) {
                StringBuilder text = new StringBuilder("SETTINGS");
                new java.util.TreeMap<>(frame.getSettings()).forEach((id, value) ->
                        text.append(' ').append(id).append('=').append(value & 0xFFFF_FFFFL));
                events.add(text.toString());
            }

            @Override
            public void onReset(ResetFrame frame) {
                events.add("RST_STREAM " + frame.getStreamId() + " " + frame.getError());
            }

            @Override
            public void onPing(PingFrame frame) {
                events.add("PING " + (frame.isReply() ? "ACK " : "") + frame.getPayloadAsLong());
            }

            @Override
            public void onWindowUpdate(WindowUpdateFrame frame) {
                events.add("WINDOW_UPDATE " + frame.getStreamId() + " " + frame.getWindowDelta());
            }

            @Override
            public void onGoAway(GoAwayFrame frame) {
                events.add("GOAWAY " + frame.getLastStreamId() + " " + frame.getError() + " "
                        + new String(frame.getPayload() == null ? new byte[0] : frame.getPayload(), StandardCharsets.US_ASCII));
            }

            @Override
            public void onStreamFailure(int streamId, int error, String reason) {
                events.add("STREAM FAILURE " + streamId + " " + error + " " + reason);
            }

            @Override
            public void onConnectionFailure(int error, String reason) {
                events.add("CONNECTION FAILURE " + error + " " + reason);
            }
        });
        while (wire.hasRemaining()) {
            parser.parse(wire);
        }
        return events;
    }
}
