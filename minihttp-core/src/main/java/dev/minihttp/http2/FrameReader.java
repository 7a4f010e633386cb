package dev.minihttp.http2;

import java.nio.ByteBuffer;

/**
 * Incremental parser of the frames a client sends after its preface (RFC 9113 sections 4 and 6),
 * over buffers that may split a frame anywhere. Every rule that one frame decides is checked
 * here, each mapped to a connection or a stream error; stream state is the listener's.
 *
 * <pre>
 *            ┌──────────────── frame done ◄──────────────────────────────┐
 *            ▼                                                           │
 *   HEADER (9 octets) ──► DATA ──── streamed: slices of the input, never copied
 *            │        ──► PAYLOAD ─ HEADERS, CONTINUATION, SETTINGS, PING, GOAWAY, RST_STREAM,
 *            │                      PRIORITY, WINDOW_UPDATE: read once whole (in place when the
 *            │                      input holds it, else gathered into a buffer of ≤ max frame size)
 *            │        ──► SKIP ──── unknown types, and a PRIORITY of the wrong length
 *            └─ a connection error: FAILED, every later read throws it again
 * </pre>
 *
 * A field block split over HEADERS and CONTINUATION frames is the only thing copied on the way
 * to the listener, into a buffer bounded by {@link FrameReaderLimits#maxHeaderBlockBytes()}, and
 * the number of its frames by {@link FrameReaderLimits#maxHeaderBlockFrames()}. Not thread-safe:
 * one reader per connection, used by its I/O thread.
 */
public final class FrameReader {

    public static final int FRAME_HEADER_LENGTH = 9;

    private static final int HEADER = 0;
    private static final int DATA = 1;
    private static final int PAYLOAD = 2;
    private static final int SKIP = 3;
    private static final int FAILED = 4;

    private static final int TYPE_DATA = 0x0;
    private static final int TYPE_HEADERS = 0x1;
    private static final int TYPE_PRIORITY = 0x2;
    private static final int TYPE_RST_STREAM = 0x3;
    private static final int TYPE_SETTINGS = 0x4;
    private static final int TYPE_PUSH_PROMISE = 0x5;
    private static final int TYPE_PING = 0x6;
    private static final int TYPE_GOAWAY = 0x7;
    private static final int TYPE_WINDOW_UPDATE = 0x8;
    private static final int TYPE_CONTINUATION = 0x9;

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    /** A block buffer grown past this is dropped once delivered: large blocks are rare. */
    private static final int KEPT_BLOCK_CAPACITY = 16_384;

    private final FrameReaderLimits limits;

    private int state = HEADER;
    private Http2Exception failure;
    /** RFC 9113 3.4: the preface is followed by a SETTINGS frame. */
    private boolean settingsSeen;

    private final byte[] header = new byte[FRAME_HEADER_LENGTH];
    private final ByteBuffer headerView = ByteBuffer.wrap(header);
    private int headerFill;

    // the frame being read
    private int length;
    private int type;
    private int flags;
    private int streamId;

    // DATA, streamed
    private int payloadLeft;
    private int dataLeft;
    private boolean padLengthPending;
    private int flowPending;

    // a payload gathered when the input splits it
    private byte[] scratch = new byte[0];
    private ByteBuffer scratchView = ByteBuffer.wrap(scratch);
    private int scratchFill;
    private ByteBuffer source;
    private int sourceOffset;

    // SKIP
    private int skipLeft;
    private Http2Exception afterSkip;

    // a field block spanning frames; continuationStream != 0 while one is open
    private int continuationStream;
    private byte[] block = new byte[0];
    private int blockLength;
    private int blockFrames;
    private boolean blockEndStream;
    private boolean blockSelfDependent;

    public FrameReader(FrameReaderLimits limits) {
        this.limits = limits;
    }

    public FrameReader() {
        this(FrameReaderLimits.defaults());
    }

    /**
     * Reads every byte the buffer has (its position ends at its limit), calling the listener for
     * each frame or piece of DATA completed; a frame cut short is kept and finished by the next
     * call.
     *
     * @throws Http2Exception a connection error (the reader is then done: every later call throws
     *                        it again) or a stream error, thrown once the offending frame has been
     *                        consumed, so that reading can go on after the stream's reset (the
     *                        rest of the buffer is then still unread)
     */
    public void read(ByteBuffer in, FrameListener listener) throws Http2Exception {
        while (true) {
            switch (state) {
                case HEADER -> {
                    if (!readHeader(in)) {
                        return;
                    }
                    startFrame(listener);
                }
                case DATA -> {
                    if (!readData(in, listener)) {
                        return;
                    }
                }
                case PAYLOAD -> {
                    if (!gatherPayload(in)) {
                        return;
                    }
                    state = HEADER;
                    onPayload(listener);
                }
                case SKIP -> {
                    int n = Math.min(skipLeft, in.remaining());
                    in.position(in.position() + n);
                    skipLeft -= n;
                    if (skipLeft > 0) {
                        return;
                    }
                    state = HEADER;
                    if (afterSkip != null) {
                        Http2Exception e = afterSkip;
                        afterSkip = null;
                        throw e;
                    }
                }
                default -> throw failure;
            }
        }
    }

    /** Whether a frame is partly read (a cut connection then lost part of a frame). */
    public boolean isMidFrame() {
        return state != HEADER || headerFill > 0 || continuationStream != 0;
    }

    private boolean readHeader(ByteBuffer in) {
        ByteBuffer from;
        int at;
        if (headerFill == 0 && in.remaining() >= FRAME_HEADER_LENGTH) {
            from = in;
            at = in.position();
            in.position(at + FRAME_HEADER_LENGTH);
        } else {
            int n = Math.min(FRAME_HEADER_LENGTH - headerFill, in.remaining());
            in.get(header, headerFill, n);
            headerFill += n;
            if (headerFill < FRAME_HEADER_LENGTH) {
                return false;
            }
            headerFill = 0;
            from = headerView;
            at = 0;
        }
        length = Bytes.u24(from, at);
        type = Bytes.u8(from, at + 3);
        flags = Bytes.u8(from, at + 4);
        streamId = Bytes.int32(from, at + 5) & 0x7FFF_FFFF; // the reserved bit is ignored (4.1)
        return true;
    }

    /** The rules a frame header alone decides (RFC 9113 4.2, 6.x), then where its payload goes. */
    private void startFrame(FrameListener listener) throws Http2Exception {
        if (length > limits.maxFrameSize()) {
            // 4.2 allows a stream error for some types; one rule for all is simpler and safe
            throw fail(ErrorCode.FRAME_SIZE_ERROR, "frame length " + length + " over " + limits.maxFrameSize());
        }
        if (!settingsSeen) {
            if (type != TYPE_SETTINGS || (flags & FrameFlags.ACK) != 0) {
                throw fail(ErrorCode.PROTOCOL_ERROR, "preface not followed by SETTINGS");
            }
            settingsSeen = true;
        }
        if (continuationStream != 0) {
            // 6.10 and 5.5: nothing, not even an extension frame, may interleave a field block
            if (type != TYPE_CONTINUATION || streamId != continuationStream) {
                throw fail(ErrorCode.PROTOCOL_ERROR, "frame type " + type + " on stream " + streamId
                        + " inside the field block of stream " + continuationStream);
            }
        } else if (type == TYPE_CONTINUATION) {
            throw fail(ErrorCode.PROTOCOL_ERROR, "CONTINUATION without HEADERS");
        }
        switch (type) {
            case TYPE_DATA -> {
                requireStream("DATA");
                if ((flags & FrameFlags.PADDED) != 0 && length < 1) {
                    throw fail(ErrorCode.FRAME_SIZE_ERROR, "padded DATA without pad length");
                }
                payloadLeft = length;
                dataLeft = length;
                padLengthPending = (flags & FrameFlags.PADDED) != 0;
                flowPending = 0;
                state = DATA;
                return;
            }
            case TYPE_HEADERS -> {
                requireStream("HEADERS");
                int required = ((flags & FrameFlags.PADDED) != 0 ? 1 : 0) + ((flags & FrameFlags.PRIORITY) != 0 ? 5 : 0);
                if (length < required) {
                    throw fail(ErrorCode.FRAME_SIZE_ERROR, "HEADERS length " + length);
                }
            }
            case TYPE_PRIORITY -> {
                requireStream("PRIORITY");
                if (length != 5) {
                    // 6.3: a stream error; the frame is skipped first so reading can go on
                    skip(Http2Exception.streamError(streamId, ErrorCode.FRAME_SIZE_ERROR, "PRIORITY length " + length));
                    return;
                }
            }
            case TYPE_RST_STREAM -> {
                requireStream("RST_STREAM");
                requireLength(4, "RST_STREAM");
            }
            case TYPE_SETTINGS -> {
                requireConnection("SETTINGS");
                if ((flags & FrameFlags.ACK) != 0 && length != 0) {
                    throw fail(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS ACK with payload");
                }
                if (length % Http2Settings.ENTRY_LENGTH != 0) {
                    throw fail(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS length " + length);
                }
            }
            case TYPE_PUSH_PROMISE -> throw fail(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
            case TYPE_PING -> {
                requireConnection("PING");
                requireLength(8, "PING");
            }
            case TYPE_GOAWAY -> {
                requireConnection("GOAWAY");
                if (length < 8) {
                    throw fail(ErrorCode.FRAME_SIZE_ERROR, "GOAWAY length " + length);
                }
            }
            case TYPE_WINDOW_UPDATE -> requireLength(4, "WINDOW_UPDATE");
            case TYPE_CONTINUATION -> {
                // stream and sequence checked above; bounds checked before any byte is held
                if (++blockFrames > limits.maxHeaderBlockFrames()) {
                    throw fail(ErrorCode.ENHANCE_YOUR_CALM, "field block over " + limits.maxHeaderBlockFrames() + " frames");
                }
                checkBlockBytes(blockLength + (long) length);
            }
            default -> {
                skip(null); // first, so a listener that throws leaves the reader skipping the payload
                listener.onUnknownFrame(type, flags, streamId, length);
                return;
            }
        }
        state = PAYLOAD;
    }

    private void requireStream(String frame) throws Http2Exception {
        if (streamId == 0) {
            throw fail(ErrorCode.PROTOCOL_ERROR, frame + " on stream 0");
        }
    }

    private void requireConnection(String frame) throws Http2Exception {
        if (streamId != 0) {
            throw fail(ErrorCode.PROTOCOL_ERROR, frame + " on stream " + streamId);
        }
    }

    private void requireLength(int expected, String frame) throws Http2Exception {
        if (length != expected) {
            throw fail(ErrorCode.FRAME_SIZE_ERROR, frame + " length " + length);
        }
    }

    private void checkBlockBytes(long bytes) throws Http2Exception {
        if (bytes > limits.maxHeaderBlockBytes()) {
            throw fail(ErrorCode.ENHANCE_YOUR_CALM, "field block over " + limits.maxHeaderBlockBytes() + " octets");
        }
    }

    private void skip(Http2Exception then) {
        skipLeft = length;
        afterSkip = then;
        state = SKIP;
    }

    /** One piece of a DATA frame: whatever of it the input has. Returns whether the frame is done. */
    private boolean readData(ByteBuffer in, FrameListener listener) throws Http2Exception {
        if (padLengthPending) {
            if (!in.hasRemaining()) {
                return false;
            }
            int padLength = in.get() & 0xFF;
            padLengthPending = false;
            payloadLeft--;
            flowPending++;
            if (padLength > payloadLeft) {
                throw fail(ErrorCode.PROTOCOL_ERROR, "DATA padding " + padLength + " over payload " + length);
            }
            dataLeft = payloadLeft - padLength;
        }
        ByteBuffer data = EMPTY;
        int n = Math.min(dataLeft, in.remaining());
        if (n > 0) {
            data = in.slice(in.position(), n);
            in.position(in.position() + n);
            dataLeft -= n;
            payloadLeft -= n;
            flowPending += n;
        }
        if (dataLeft == 0 && payloadLeft > 0) {
            int padding = Math.min(payloadLeft, in.remaining());
            in.position(in.position() + padding);
            payloadLeft -= padding;
            flowPending += padding;
        }
        boolean done = payloadLeft == 0;
        // every octet consumed is reported in the read that consumed it, padding too, so the
        // engine's window accounting never lags behind what the socket delivered
        if (flowPending > 0 || done) {
            int flow = flowPending;
            flowPending = 0;
            if (done) {
                state = HEADER;
            }
            listener.onData(streamId, data, done && (flags & FrameFlags.END_STREAM) != 0, flow);
        }
        return done;
    }

    /** Whether the whole payload is there: in place in the input, or gathered into scratch. */
    private boolean gatherPayload(ByteBuffer in) {
        if (scratchFill == 0 && in.remaining() >= length) {
            source = in;
            sourceOffset = in.position();
            in.position(sourceOffset + length);
            return true;
        }
        if (scratch.length < length) {
            // grown only to what a frame needs, so a connection that never splits one holds nothing
            byte[] grown = new byte[Math.max(length, Math.min(scratch.length * 2, limits.maxFrameSize()))];
            System.arraycopy(scratch, 0, grown, 0, scratchFill);
            scratch = grown;
            scratchView = ByteBuffer.wrap(scratch);
        }
        int n = Math.min(length - scratchFill, in.remaining());
        in.get(scratch, scratchFill, n);
        scratchFill += n;
        if (scratchFill < length) {
            return false;
        }
        scratchFill = 0;
        source = scratchView;
        sourceOffset = 0;
        return true;
    }

    private void onPayload(FrameListener listener) throws Http2Exception {
        ByteBuffer p = source;
        int at = sourceOffset;
        source = null; // the input is the caller's: not kept past this call
        switch (type) {
            case TYPE_HEADERS -> onHeaders(p, at, listener);
            case TYPE_CONTINUATION -> onContinuation(p, at, listener);
            case TYPE_PRIORITY -> {
                int word = Bytes.int32(p, at);
                int dependency = word & 0x7FFF_FFFF;
                if (dependency == streamId) {
                    throw Http2Exception.streamError(streamId, ErrorCode.PROTOCOL_ERROR, "stream depends on itself");
                }
                listener.onPriority(streamId, dependency, word < 0, Bytes.u8(p, at + 4) + 1);
            }
            case TYPE_RST_STREAM -> listener.onRstStream(streamId, Bytes.int32(p, at));
            case TYPE_SETTINGS -> {
                if ((flags & FrameFlags.ACK) != 0) {
                    listener.onSettingsAck();
                } else {
                    listener.onSettings(parseSettings(p, at));
                }
            }
            case TYPE_PING -> listener.onPing((flags & FrameFlags.ACK) != 0, Bytes.int64(p, at));
            case TYPE_GOAWAY -> listener.onGoAway(Bytes.int32(p, at) & 0x7FFF_FFFF, Bytes.int32(p, at + 4),
                    length == 8 ? EMPTY : p.slice(at + 8, length - 8).asReadOnlyBuffer());
            case TYPE_WINDOW_UPDATE -> {
                int increment = Bytes.int32(p, at) & 0x7FFF_FFFF;
                if (increment == 0) {
                    if (streamId == 0) {
                        throw fail(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0 on the connection");
                    }
                    throw Http2Exception.streamError(streamId, ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE of 0");
                }
                listener.onWindowUpdate(streamId, increment);
            }
            default -> throw new IllegalStateException("payload of frame type " + type);
        }
    }

    private Http2Settings parseSettings(ByteBuffer p, int at) throws Http2Exception {
        try {
            return Http2Settings.parse(p, at, length);
        } catch (Http2Exception e) {
            throw fail(e);
        }
    }

    private void onHeaders(ByteBuffer p, int at, FrameListener listener) throws Http2Exception {
        int end = at + length;
        int padLength = 0;
        if ((flags & FrameFlags.PADDED) != 0) {
            padLength = Bytes.u8(p, at++);
        }
        boolean selfDependent = false;
        if ((flags & FrameFlags.PRIORITY) != 0) {
            // parsed only for the one rule RFC 9113 5.3.1 keeps; the priority itself is ignored
            selfDependent = (Bytes.int32(p, at) & 0x7FFF_FFFF) == streamId;
            at += 5;
        }
        if (padLength > end - at) {
            throw fail(ErrorCode.PROTOCOL_ERROR, "HEADERS padding " + padLength + " over payload " + length);
        }
        int fragment = end - at - padLength;
        checkBlockBytes(fragment);
        boolean endStream = (flags & FrameFlags.END_STREAM) != 0;
        if ((flags & FrameFlags.END_HEADERS) != 0) {
            listener.onHeaders(streamId, p.slice(at, fragment), endStream);
            afterBlock(selfDependent);
            return;
        }
        continuationStream = streamId;
        blockFrames = 1;
        blockLength = 0;
        blockEndStream = endStream;
        blockSelfDependent = selfDependent;
        append(p, at, fragment);
    }

    private void onContinuation(ByteBuffer p, int at, FrameListener listener) throws Http2Exception {
        append(p, at, length);
        if ((flags & FrameFlags.END_HEADERS) == 0) {
            return;
        }
        continuationStream = 0;
        blockFrames = 0;
        ByteBuffer whole = ByteBuffer.wrap(block, 0, blockLength).slice();
        if (block.length > KEPT_BLOCK_CAPACITY) {
            block = new byte[0];
        }
        listener.onHeaders(streamId, whole, blockEndStream);
        afterBlock(blockSelfDependent);
    }

    /** The block was delivered first, so the HPACK decoder stays in step with the peer. */
    private void afterBlock(boolean selfDependent) throws Http2Exception {
        if (selfDependent) {
            throw Http2Exception.streamError(streamId, ErrorCode.PROTOCOL_ERROR, "stream depends on itself");
        }
    }

    private void append(ByteBuffer p, int at, int n) {
        if (blockLength + n > block.length) {
            int capacity = Math.min(Math.max(blockLength + n, block.length * 2), limits.maxHeaderBlockBytes());
            byte[] grown = new byte[Math.max(capacity, 256)];
            System.arraycopy(block, 0, grown, 0, blockLength);
            block = grown;
        }
        p.get(at, block, blockLength, n);
        blockLength += n;
    }

    private Http2Exception fail(ErrorCode code, String reason) {
        return fail(Http2Exception.connectionError(code, reason));
    }

    private Http2Exception fail(Http2Exception e) {
        state = FAILED;
        failure = e;
        // nothing more will be read: let go of what a half-read block held
        block = new byte[0];
        scratch = new byte[0];
        scratchView = ByteBuffer.wrap(scratch);
        return e;
    }
}
