package dev.minihttp.http;

import static dev.minihttp.http.HttpChars.CR;
import static dev.minihttp.http.HttpChars.LF;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Incremental decoder for a chunked request body (RFC 9112 section 7.1), including chunk
 * extensions (syntax-checked, then ignored) and the trailer section (kept, see {@link #trailers()}).
 * One instance per connection, {@link #reset()} between requests.
 */
public final class ChunkedDecoder {

    /** Leading zeros are legal, but a size line has to end somewhere. */
    private static final int MAX_SIZE_DIGITS = 64;
    /** The whole chunk-size line with its extensions, which are ignored anyway. */
    private static final int MAX_SIZE_LINE_BYTES = 4096;

    private static final int SIZE_START = 0;
    private static final int SIZE = 1;
    /** BWS after the size or after an extension value: only ';' may follow. */
    private static final int BEFORE_SEMICOLON = 2;
    private static final int BEFORE_EXT_NAME = 3;
    private static final int EXT_NAME = 4;
    /** BWS after an extension name: '=' or ';' may follow. */
    private static final int AFTER_EXT_NAME = 5;
    private static final int BEFORE_EXT_VALUE = 6;
    private static final int EXT_TOKEN = 7;
    private static final int EXT_QUOTED = 8;
    private static final int EXT_QUOTED_PAIR = 9;
    private static final int AFTER_QUOTED_STRING = 10;
    private static final int SIZE_LF = 11;
    private static final int DATA = 12;
    private static final int DATA_CR = 13;
    private static final int DATA_LF = 14;
    private static final int TRAILERS = 15;
    private static final int DONE = 16;

    private final ParserLimits limits;
    private final FieldSectionReader trailerReader = new FieldSectionReader();
    /** Null until the last chunk: most bodies have no trailers, so none is allocated up front. */
    private HttpHeaders trailers;
    private HttpParseException failure;

    private int state;
    private long chunkSize;
    private long chunkRemaining;
    private long bodyBytes;
    private int sizeDigits;
    private int sizeLineBytes;

    public ChunkedDecoder(ParserLimits limits) {
        this.limits = limits;
        reset();
    }

    /**
     * Consumes bytes from {@code in}, passing chunk data to {@code sink}. Returns true once the
     * last chunk and the trailer section have been read, leaving the bytes after the message in
     * {@code in}; false when it needs more bytes (all of {@code in} was consumed).
     *
     * @throws HttpParseException 400 for malformed framing, 413 when the decoded size passes
     *                            {@link ParserLimits#maxBodyBytes()}, 431 for oversized trailers
     * @throws IOException        only when the sink throws
     */
    public boolean decode(ByteBuffer in, BodySink sink) throws HttpParseException, IOException {
        if (failure != null) {
            throw failure;
        }
        try {
            return decodeSome(in, sink);
        } catch (HttpParseException e) {
            failure = e;
            throw e;
        }
    }

    private boolean decodeSome(ByteBuffer in, BodySink sink) throws HttpParseException, IOException {
        while (in.hasRemaining() || state == DONE) {
            switch (state) {
                case DATA -> passData(in, sink);
                case TRAILERS -> {
                    if (!trailerReader.read(in)) {
                        return false;
                    }
                    state = DONE;
                }
                case DONE -> {
                    return true;
                }
                default -> readFramingByte(in.get());
            }
        }
        return false;
    }

    private void passData(ByteBuffer in, BodySink sink) throws IOException {
        int count = (int) Math.min(chunkRemaining, in.remaining());
        int end = in.position() + count;
        ByteBuffer slice = in.duplicate();
        slice.limit(end);
        in.position(end);
        chunkRemaining -= count;
        bodyBytes += count;
        if (chunkRemaining == 0) {
            state = DATA_CR;
        }
        sink.write(slice);
    }

    private void readFramingByte(byte b) throws HttpParseException {
        if (state <= SIZE_LF && ++sizeLineBytes > MAX_SIZE_LINE_BYTES) {
            throw new HttpParseException(400, "Chunk size line too long");
        }
        switch (state) {
            case SIZE_START, SIZE -> sizeByte(b);
            case BEFORE_SEMICOLON -> {
                if (b == ';') {
                    state = BEFORE_EXT_NAME;
                } else if (!HttpChars.isWhitespace(b)) {
                    throw invalid(b, "Invalid chunk size");
                }
            }
            case BEFORE_EXT_NAME -> {
                if (HttpChars.isTchar(b)) {
                    state = EXT_NAME;
                } else if (!HttpChars.isWhitespace(b)) {
                    throw invalid(b, "Invalid chunk extension");
                }
            }
            case EXT_NAME, AFTER_EXT_NAME -> {
                if (b == '=') {
                    state = BEFORE_EXT_VALUE;
                } else if (b == ';') {
                    state = BEFORE_EXT_NAME;
                } else if (HttpChars.isWhitespace(b)) {
                    state = AFTER_EXT_NAME;
                } else if (b == CR && state == EXT_NAME) {
                    state = SIZE_LF;
                } else if (!(HttpChars.isTchar(b) && state == EXT_NAME)) {
                    throw invalid(b, "Invalid chunk extension");
                }
            }
            case BEFORE_EXT_VALUE -> {
                if (b == '"') {
                    state = EXT_QUOTED;
                } else if (HttpChars.isTchar(b)) {
                    state = EXT_TOKEN;
                } else if (!HttpChars.isWhitespace(b)) {
                    throw invalid(b, "Invalid chunk extension");
                }
            }
            case EXT_TOKEN -> {
                if (b == ';') {
                    state = BEFORE_EXT_NAME;
                } else if (b == CR) {
                    state = SIZE_LF;
                } else if (HttpChars.isWhitespace(b)) {
                    state = BEFORE_SEMICOLON;
                } else if (!HttpChars.isTchar(b)) {
                    throw invalid(b, "Invalid chunk extension");
                }
            }
            case EXT_QUOTED -> {
                if (b == '"') {
                    state = AFTER_QUOTED_STRING;
                } else if (b == '\\') {
                    state = EXT_QUOTED_PAIR;
                } else if (!isQuotedText(b)) {
                    throw invalid(b, "Invalid chunk extension");
                }
            }
            case EXT_QUOTED_PAIR -> {
                if (!HttpChars.isWhitespace(b) && !HttpChars.isFieldVchar(b)) {
                    throw invalid(b, "Invalid chunk extension");
                }
                state = EXT_QUOTED;
            }
            case AFTER_QUOTED_STRING -> {
                if (b == ';') {
                    state = BEFORE_EXT_NAME;
                } else if (b == CR) {
                    state = SIZE_LF;
                } else if (HttpChars.isWhitespace(b)) {
                    state = BEFORE_SEMICOLON;
                } else {
                    throw invalid(b, "Invalid chunk extension");
                }
            }
            case SIZE_LF -> {
                if (b != LF) {
                    throw FieldSectionReader.bareCr();
                }
                endSizeLine();
            }
            case DATA_CR -> {
                if (b != CR) {
                    throw invalid(b, "Missing CRLF after chunk data");
                }
                state = DATA_LF;
            }
            case DATA_LF -> {
                if (b != LF) {
                    throw FieldSectionReader.bareCr();
                }
                state = SIZE_START;
                sizeLineBytes = 0;
                sizeDigits = 0;
                chunkSize = 0;
            }
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void sizeByte(byte b) throws HttpParseException {
        int digit = HttpChars.hexValue(b);
        if (digit >= 0) {
            // the second test catches the digit that would overflow a long, whatever the zeros before
            if (++sizeDigits > MAX_SIZE_DIGITS || chunkSize > (Long.MAX_VALUE >>> 4)) {
                throw new HttpParseException(400, "Chunk size too large");
            }
            chunkSize = (chunkSize << 4) | digit;
            state = SIZE;
        } else if (state == SIZE_START) {
            // no whitespace, sign or "0x" before the size (RFC 9112 7.1)
            throw invalid(b, "Invalid chunk size");
        } else if (b == CR) {
            state = SIZE_LF;
        } else if (b == ';') {
            state = BEFORE_EXT_NAME;
        } else if (HttpChars.isWhitespace(b)) {
            state = BEFORE_SEMICOLON;
        } else {
            throw invalid(b, "Invalid chunk size");
        }
    }

    private void endSizeLine() throws HttpParseException {
        if (chunkSize > limits.maxBodyBytes() - bodyBytes) {
            throw new HttpParseException(413, "Request body larger than the limit");
        }
        if (chunkSize == 0) {
            trailers = new HttpHeaders(0);
            trailerReader.start(trailers, limits.maxHeadBytes(), limits.maxHeaderCount());
            state = TRAILERS;
        } else {
            chunkRemaining = chunkSize;
            state = DATA;
        }
    }

    /** qdtext of RFC 9110 5.6.4: HTAB, SP, VCHAR except '"' and '\', obs-text. */
    private static boolean isQuotedText(byte b) {
        return (HttpChars.isFieldVchar(b) || HttpChars.isWhitespace(b)) && b != '"' && b != '\\';
    }

    private static HttpParseException invalid(byte b, String reason) {
        return b == LF ? FieldSectionReader.bareLf() : new HttpParseException(400, reason);
    }

    /** Decoded body bytes so far. */
    public long bodyBytes() {
        return bodyBytes;
    }

    /** The trailer fields, complete once {@link #decode} returned true; empty when none were sent. */
    public HttpHeaders trailers() {
        return trailers != null ? trailers : new HttpHeaders(0);
    }

    public void reset() {
        state = SIZE_START;
        chunkSize = 0;
        chunkRemaining = 0;
        bodyBytes = 0;
        sizeDigits = 0;
        sizeLineBytes = 0;
        trailers = null;
        failure = null;
    }
}
