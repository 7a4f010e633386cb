package dev.minihttp.http2;

import java.nio.ByteBuffer;

/**
 * The six settings of RFC 9113 section 6.5.2: a value for each (its default until set) and which
 * were set explicitly, so a SETTINGS frame can carry only what it changes. Immutable: a peer's
 * frame is applied with {@link #merge(Http2Settings)}.
 */
public final class Http2Settings {

    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** One setting on the wire: a 16-bit id and a 32-bit value. */
    public static final int ENTRY_LENGTH = 6;
    public static final int MIN_MAX_FRAME_SIZE = 16_384;
    public static final int MAX_MAX_FRAME_SIZE = 16_777_215;
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    /** What the RFC calls "unlimited" for MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE. */
    public static final long UNLIMITED = 0xFFFF_FFFFL;

    private static final long[] DEFAULT_VALUES = {
        0, 4096, 1, UNLIMITED, DEFAULT_INITIAL_WINDOW_SIZE, MIN_MAX_FRAME_SIZE, UNLIMITED
    };
    private static final Http2Settings DEFAULTS = new Http2Settings(DEFAULT_VALUES.clone(), 0);

    /** Indexed by setting id (index 0 unused); unsigned 32-bit values. */
    private final long[] values;
    /** Bit {@code 1 << id} for each setting set explicitly. */
    private final int present;

    private Http2Settings(long[] values, int present) {
        this.values = values;
        this.present = present;
    }

    /** Every setting at its RFC default, none set explicitly (an empty SETTINGS frame). */
    public static Http2Settings defaults() {
        return DEFAULTS;
    }

    /**
     * These settings with one more set explicitly.
     *
     * @throws IllegalArgumentException for an unknown id or a value §6.5.2 forbids
     */
    public Http2Settings with(int id, long value) {
        if (id < HEADER_TABLE_SIZE || id > MAX_HEADER_LIST_SIZE) {
            throw new IllegalArgumentException("unknown setting " + id);
        }
        try {
            check(id, value);
        } catch (Http2Exception e) {
            throw new IllegalArgumentException(e.reason());
        }
        long[] copy = values.clone();
        copy[id] = value;
        return new Http2Settings(copy, present | 1 << id);
    }

    /** These settings with every one that {@code update} set explicitly taken from it. */
    public Http2Settings merge(Http2Settings update) {
        if (update.present == 0) {
            return this;
        }
        long[] copy = values.clone();
        for (int id = HEADER_TABLE_SIZE; id <= MAX_HEADER_LIST_SIZE; id++) {
            if (update.isSet(id)) {
                copy[id] = update.values[id];
            }
        }
        return new Http2Settings(copy, present | update.present);
    }

    /**
     * Reads a SETTINGS payload: {@code length} octets from {@code offset} (absolute; the buffer
     * is not moved). Also what an {@code HTTP2-Settings} field of an h2c upgrade decodes to.
     * Unknown ids are ignored (RFC 9113 6.5.2); a later entry for the same id wins.
     *
     * @throws Http2Exception a connection error: FRAME_SIZE_ERROR for a length that is not a
     *                        multiple of 6, the code of §6.5.2 for a value it forbids
     */
    public static Http2Settings parse(ByteBuffer payload, int offset, int length) throws Http2Exception {
        if (length % ENTRY_LENGTH != 0) {
            throw Http2Exception.connectionError(ErrorCode.FRAME_SIZE_ERROR, "SETTINGS length " + length);
        }
        if (length == 0) {
            return DEFAULTS;
        }
        long[] parsed = DEFAULT_VALUES.clone();
        int present = 0;
        for (int i = offset, end = offset + length; i < end; i += ENTRY_LENGTH) {
            int id = Bytes.u16(payload, i);
            long value = Bytes.int32(payload, i + 2) & 0xFFFF_FFFFL;
            if (id >= HEADER_TABLE_SIZE && id <= MAX_HEADER_LIST_SIZE) {
                check(id, value);
                parsed[id] = value;
                present |= 1 << id;
            }
        }
        return new Http2Settings(parsed, present);
    }

    private static void check(int id, long value) throws Http2Exception {
        if (value < 0 || value > UNLIMITED) {
            throw new IllegalArgumentException("setting " + id + " is not a 32-bit value: " + value);
        }
        switch (id) {
            case ENABLE_PUSH -> {
                if (value > 1) {
                    throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR, "ENABLE_PUSH " + value);
                }
            }
            case INITIAL_WINDOW_SIZE -> {
                if (value > MAX_WINDOW_SIZE) {
                    throw Http2Exception.connectionError(ErrorCode.FLOW_CONTROL_ERROR, "INITIAL_WINDOW_SIZE " + value);
                }
            }
            case MAX_FRAME_SIZE -> {
                if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                    throw Http2Exception.connectionError(ErrorCode.PROTOCOL_ERROR, "MAX_FRAME_SIZE " + value);
                }
            }
            default -> {
                // HEADER_TABLE_SIZE, MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE: any 32-bit value
            }
        }
    }

    /** Octets {@link #encode} writes: 6 per setting set explicitly. */
    public int encodedLength() {
        return Integer.bitCount(present) * ENTRY_LENGTH;
    }

    /** Writes the settings set explicitly, in id order, as a SETTINGS payload. */
    public void encode(ByteBuffer out) {
        for (int id = HEADER_TABLE_SIZE; id <= MAX_HEADER_LIST_SIZE; id++) {
            if (isSet(id)) {
                long value = values[id];
                // big-endian whatever order the caller set on its buffer
                out.put((byte) (id >>> 8)).put((byte) id);
                out.put((byte) (value >>> 24)).put((byte) (value >>> 16)).put((byte) (value >>> 8)).put((byte) value);
            }
        }
    }

    /** Whether the setting was set explicitly (sent in the frame, or given to {@link #with}). */
    public boolean isSet(int id) {
        return id >= HEADER_TABLE_SIZE && id <= MAX_HEADER_LIST_SIZE && (present & 1 << id) != 0;
    }

    /** The value of a setting (its default when not set), unsigned 32-bit. */
    public long value(int id) {
        return values[id];
    }

    public long headerTableSize() {
        return values[HEADER_TABLE_SIZE];
    }

    public boolean enablePush() {
        return values[ENABLE_PUSH] == 1;
    }

    public long maxConcurrentStreams() {
        return values[MAX_CONCURRENT_STREAMS];
    }

    public int initialWindowSize() {
        return (int) values[INITIAL_WINDOW_SIZE];
    }

    public int maxFrameSize() {
        return (int) values[MAX_FRAME_SIZE];
    }

    public long maxHeaderListSize() {
        return values[MAX_HEADER_LIST_SIZE];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Http2Settings other && present == other.present
                && java.util.Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(values) * 31 + present;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Http2Settings{");
        String[] names = {null, "HEADER_TABLE_SIZE", "ENABLE_PUSH", "MAX_CONCURRENT_STREAMS",
            "INITIAL_WINDOW_SIZE", "MAX_FRAME_SIZE", "MAX_HEADER_LIST_SIZE"};
        String separator = "";
        for (int id = HEADER_TABLE_SIZE; id <= MAX_HEADER_LIST_SIZE; id++) {
            if (isSet(id)) {
                text.append(separator).append(names[id]).append('=').append(values[id]);
                separator = ", ";
            }
        }
        return text.append('}').toString();
    }
}
