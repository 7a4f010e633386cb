package dev.minihttp.http2;

/**
 * The bounds {@link FrameReader} keeps on what one peer can make it hold.
 *
 * @param maxFrameSize         our SETTINGS_MAX_FRAME_SIZE: a longer frame is a FRAME_SIZE_ERROR
 *                             (16384..16777215; default 16384, the RFC's initial value, which
 *                             every client handles)
 * @param maxHeaderBlockBytes  octets of one field block (HEADERS + CONTINUATION fragments, still
 *                             compressed) held while it is assembled; beyond it the connection
 *                             ends with ENHANCE_YOUR_CALM (default 65536)
 * @param maxHeaderBlockFrames frames of one field block (the HEADERS and each CONTINUATION, empty
 *                             ones too); beyond it the connection ends with ENHANCE_YOUR_CALM:
 *                             the CONTINUATION flood of CVE-2024-27316 (default 32)
 */
public record FrameReaderLimits(int maxFrameSize, int maxHeaderBlockBytes, int maxHeaderBlockFrames) {

    public static final int DEFAULT_MAX_HEADER_BLOCK_BYTES = 65_536;
    public static final int DEFAULT_MAX_HEADER_BLOCK_FRAMES = 32;

    private static final FrameReaderLimits DEFAULTS = new FrameReaderLimits(
            Http2Settings.MIN_MAX_FRAME_SIZE, DEFAULT_MAX_HEADER_BLOCK_BYTES, DEFAULT_MAX_HEADER_BLOCK_FRAMES);

    public FrameReaderLimits {
        if (maxFrameSize < Http2Settings.MIN_MAX_FRAME_SIZE || maxFrameSize > Http2Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384..16777215, was " + maxFrameSize);
        }
        if (maxHeaderBlockBytes < 1) {
            throw new IllegalArgumentException("maxHeaderBlockBytes must be positive, was " + maxHeaderBlockBytes);
        }
        if (maxHeaderBlockFrames < 1) {
            throw new IllegalArgumentException("maxHeaderBlockFrames must be positive, was " + maxHeaderBlockFrames);
        }
    }

    public static FrameReaderLimits defaults() {
        return DEFAULTS;
    }
}
