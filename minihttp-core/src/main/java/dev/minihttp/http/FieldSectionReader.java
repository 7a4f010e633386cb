package dev.minihttp.http;

import static dev.minihttp.http.HttpChars.CR;
import static dev.minihttp.http.HttpChars.LF;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a field section (RFC 9112 section 5) up to and including its terminating empty line, byte
 * by byte so that it can stop anywhere in the input. Shared by the request head and the trailer
 * section of a chunked body, which follow the same rules.
 */
final class FieldSectionReader {

    private static final int LINE_START = 0;
    private static final int NAME = 1;
    private static final int VALUE = 2;
    private static final int LINE_LF = 3;
    private static final int FINAL_LF = 4;
    private static final int DONE = 5;

    private static final int INITIAL_LINE_CAPACITY = 256;

    private byte[] line = new byte[INITIAL_LINE_CAPACITY];
    private int length;
    private int nameEnd;
    /** End of the value without trailing whitespace, which is not part of it (RFC 9112 5.1). */
    private int valueEnd;

    private HttpHeaders fields;
    private int budget;
    private int consumed;
    private int maxCount;
    private int state = DONE;

    /**
     * Starts a new section.
     *
     * @param budget bytes the section may take, terminating empty line included; beyond it 431
     */
    void start(HttpHeaders fields, int budget, int maxCount) {
        this.fields = fields;
        this.budget = budget;
        this.maxCount = maxCount;
        consumed = 0;
        length = 0;
        state = LINE_START;
    }

    /** Bytes consumed since {@link #start}. */
    int consumed() {
        return consumed;
    }

    /**
     * Consumes bytes up to the end of the section. Returns true once the empty line has been read,
     * leaving what follows in {@code in}; false when {@code in} was used up.
     */
    boolean read(ByteBuffer in) throws HttpParseException {
        int pos = in.position();
        int limit = in.limit();
        int state = this.state;
        try {
            while (pos < limit) {
                if (state == DONE) {
                    return true;
                }
                if (++consumed > budget) {
                    throw new HttpParseException(431, "Header section larger than the limit");
                }
                byte b = in.get(pos++);
                switch (state) {
                    case VALUE -> {
                        if (HttpChars.isFieldVchar(b)) {
                            append(b);
                            valueEnd = length;
                            // most bytes of a head sit in values: take the rest of this one at once
                            int end = contentRunEnd(in, pos, limit);
                            if (end > pos) {
                                appendRun(in, pos, end);
                                consumed += end - pos;
                                pos = end;
                                valueEnd = length;
                                while (HttpChars.isWhitespace(line[valueEnd - 1])) {
                                    valueEnd--;
                                }
                            }
                        } else if (HttpChars.isWhitespace(b)) {
                            // leading whitespace is dropped, inner kept, trailing cut at valueEnd
                            if (length > nameEnd) {
                                append(b);
                            }
                        } else if (b == CR) {
                            state = LINE_LF;
                        } else {
                            throw invalid(b);
                        }
                    }
                    case NAME -> {
                        if (HttpChars.isTchar(b)) {
                            append(b);
                        } else if (b == ':') {
                            nameEnd = length;
                            valueEnd = length;
                            state = VALUE;
                        } else if (HttpChars.isWhitespace(b)) {
                            throw new HttpParseException(400, "Whitespace between field name and colon");
                        } else if (b == CR || b == LF) {
                            throw new HttpParseException(400, "Field line without colon");
                        } else {
                            throw new HttpParseException(400, "Invalid character in field name");
                        }
                    }
                    case LINE_START -> {
                        if (HttpChars.isTchar(b)) {
                            if (fields.size() >= maxCount) {
                                throw new HttpParseException(431, "Too many header fields");
                            }
                            length = 0;
                            append(b);
                            state = NAME;
                        } else if (b == CR) {
                            state = FINAL_LF;
                        } else if (HttpChars.isWhitespace(b)) {
                            // obs-fold, or whitespace before the first field (RFC 9112 5.2, 2.2)
                            throw new HttpParseException(400, "Folded or indented field line");
                        } else if (b == LF) {
                            throw bareLf();
                        } else if (b == ':') {
                            throw new HttpParseException(400, "Empty field name");
                        } else {
                            throw new HttpParseException(400, "Invalid character in field name");
                        }
                    }
                    case LINE_LF -> {
                        if (b != LF) {
                            throw bareCr();
                        }
                        fields.add(new String(line, 0, nameEnd, StandardCharsets.ISO_8859_1),
                                new String(line, nameEnd, valueEnd - nameEnd, StandardCharsets.ISO_8859_1));
                        state = LINE_START;
                    }
                    case FINAL_LF -> {
                        if (b != LF) {
                            throw bareCr();
                        }
                        state = DONE;
                        // The section is its caller's now: a reader kept for the next one must not hold it.
                        fields = null;
                    }
                    default -> throw new IllegalStateException("state " + state);
                }
            }
            return state == DONE;
        } finally {
            this.state = state;
            in.position(pos);
        }
    }

    /** End of the run of value bytes from {@code pos}, stopping where the budget would run out. */
    private int contentRunEnd(ByteBuffer in, int pos, int limit) {
        int end = Math.min(limit, pos + (budget - consumed));
        if (in.hasArray()) {
            // indexing the array directly skips the per-call checks of ByteBuffer.get(int)
            byte[] array = in.array();
            int offset = in.arrayOffset();
            int i = pos + offset;
            while (i < end + offset && HttpChars.isFieldContent(array[i])) {
                i++;
            }
            return i - offset;
        }
        int i = pos;
        while (i < end && HttpChars.isFieldContent(in.get(i))) {
            i++;
        }
        return i;
    }

    private void appendRun(ByteBuffer in, int from, int to) {
        int count = to - from;
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(length + count, Math.min(line.length * 2, budget)));
        }
        in.get(from, line, length, count);
        length += count;
    }

    private void append(byte b) {
        if (length == line.length) {
            // the budget bounds a line, so this never grows past it
            line = Arrays.copyOf(line, Math.min(length * 2, Math.max(budget, length + 1)));
        }
        line[length++] = b;
    }

    private static HttpParseException invalid(byte b) {
        return b == LF ? bareLf() : new HttpParseException(400, "Invalid character in field value");
    }

    static HttpParseException bareLf() {
        return new HttpParseException(400, "Line ending without CR");
    }

    static HttpParseException bareCr() {
        return new HttpParseException(400, "CR not followed by LF");
    }
}
