package dev.minihttp.http2.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the header blocks a peer sends on one connection (RFC 7541), keeping the dynamic
 * table across blocks. One per connection, used by one thread at a time, fed the blocks in the
 * order they arrived, each whole (a HEADERS frame's fragment and its CONTINUATIONs joined; the
 * frame layer bounds how many bytes that may be).
 *
 * <p><b>Bounded.</b> The header list a block decodes to is counted as RFC 9113 counts it (name
 * and value octets plus 32 per field) against {@code maxHeaderListSize}, before each string is
 * allocated: a literal's announced length is checked first, and Huffman-coded strings are decoded
 * into a reused scratch buffer and turned into a String only within budget. So neither a huge
 * literal nor an "HPACK bomb" (a small block naming one big table entry thousands of times)
 * allocates the list it describes. When the budget runs out the decoder still <em>decodes the
 * rest of the block</em>, adding to the dynamic table what the block adds, because the peer's
 * encoder has done so too and the next block will count on it; it only stops handing fields to
 * the sink and allocating strings that the table does not keep (the table is bounded by its own
 * maximum size). Then it throws {@link HeaderListTooLargeException}; the connection goes on and
 * the stream gets 431.
 *
 * <p>Any violation of RFC 7541 throws {@link HpackCompressionException}, after which the decoder
 * refuses every block: its table may no longer match the peer's, so the connection must end.
 * The fields the sink received before either exception are to be discarded.
 */
public final class HpackDecoder {

    /** The table size both ends start from (RFC 9113 SETTINGS_HEADER_TABLE_SIZE default). */
    public static final int DEFAULT_TABLE_SIZE = 4096;

    private final DynamicTable table;
    /** Our SETTINGS_HEADER_TABLE_SIZE: the most the peer's table size updates may ask for. */
    private int maxTableSize;
    private int maxHeaderListSize;
    /** Our limit dropped below the table's size: the next block must start with an update. */
    private boolean sizeUpdateRequired;
    private HpackCompressionException failure;
    private byte[] scratch = new byte[256];

    // per block
    private long listSize;
    private boolean tooLarge;

    /**
     * @param maxTableSize the SETTINGS_HEADER_TABLE_SIZE in force. Both tables start at the
     *     default {@value #DEFAULT_TABLE_SIZE} whatever it is, and a smaller value counts as a
     *     change the peer must acknowledge with a table size update in its first block. Since
     *     a client may send its first HEADERS before it has read our SETTINGS, pass the default
     *     here and call {@link #setMaxTableSize} when the peer acknowledges ours.
     * @param maxHeaderListSize the largest decoded header list accepted, in RFC 9113 octets
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.table = new DynamicTable(DEFAULT_TABLE_SIZE);
        this.maxTableSize = DEFAULT_TABLE_SIZE;
        this.maxHeaderListSize = maxHeaderListSize;
        setMaxTableSize(maxTableSize);
    }

    /**
     * Applies a new SETTINGS_HEADER_TABLE_SIZE of ours once the peer acknowledged it. If it is
     * below the table's current maximum, the peer's next block must begin with a table size
     * update to at most this value (RFC 7541 section 4.2), else it is a compression error.
     */
    public void setMaxTableSize(int maxTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("negative table size");
        }
        this.maxTableSize = maxTableSize;
        if (maxTableSize < table.maxSize()) {
            sizeUpdateRequired = true;
        }
    }

    public void setMaxHeaderListSize(int maxHeaderListSize) {
        if (maxHeaderListSize < 0) {
            throw new IllegalArgumentException("negative header list size");
        }
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /**
     * Decodes one whole header block from {@code block}'s position to its limit, handing each
     * field to {@code sink} in order.
     *
     * @throws HeaderListTooLargeException after decoding the whole block, when its header list
     *     is larger than {@code maxHeaderListSize}; the decoder stays usable
     * @throws HpackCompressionException when the block breaks RFC 7541, or an earlier one did
     */
    public void decode(ByteBuffer block, HeaderSink sink) throws HpackException {
        if (failure != null) {
            throw new HpackCompressionException("an earlier block failed: " + failure.getMessage());
        }
        listSize = 0;
        tooLarge = false;
        try {
            decodeRepresentations(block, sink);
        } catch (HpackCompressionException e) {
            failure = e;
            throw e;
        } catch (RuntimeException | Error e) {
            // the block was left half decoded: the table may be behind the peer's
            failure = new HpackCompressionException("the sink threw " + e);
            throw e;
        }
        if (tooLarge) {
            throw new HeaderListTooLargeException(maxHeaderListSize);
        }
    }

    /** The dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    private void decodeRepresentations(ByteBuffer in, HeaderSink sink) throws HpackCompressionException {
        boolean blockStart = true;
        while (in.hasRemaining()) {
            int first = in.get() & 0xFF;
            if ((first & 0xE0) == 0x20) {
                // dynamic table size update (section 6.3)
                if (!blockStart) {
                    throw new HpackCompressionException("table size update after the first field of a block");
                }
                int size = PrefixedInteger.decode(first, 5, in);
                if (size > maxTableSize) {
                    throw new HpackCompressionException("table size update to " + size + " above the limit " + maxTableSize);
                }
                table.setMaxSize(size);
                sizeUpdateRequired = false;
                continue;
            }
            if (sizeUpdateRequired) {
                throw new HpackCompressionException("missing table size update after the table size limit was lowered to " + maxTableSize);
            }
            blockStart = false;
            if ((first & 0x80) != 0) {
                indexed(PrefixedInteger.decode(first, 7, in), sink);
            } else if ((first & 0x40) != 0) {
                literal(PrefixedInteger.decode(first, 6, in), true, in, sink);
            } else {
                // without indexing (0000) or never indexed (0001): the same to a decoder that
                // does not forward fields; the flag matters to intermediaries re-encoding them
                literal(PrefixedInteger.decode(first, 4, in), false, in, sink);
            }
        }
    }

    private void indexed(int index, HeaderSink sink) throws HpackCompressionException {
        if (index == 0) {
            throw new HpackCompressionException("index 0");
        }
        if (index <= StaticTable.LENGTH) {
            emit(StaticTable.name(index), StaticTable.value(index), sink);
            return;
        }
        int dynamic = dynamicIndex(index);
        emit(table.name(dynamic), table.value(dynamic), sink);
    }

    private void literal(int nameIndex, boolean indexing, ByteBuffer in, HeaderSink sink) throws HpackCompressionException {
        // What each string may take before it is dropped: the header list's remaining budget,
        // or, for a field the table is to keep, what still fits in the table, whichever is more.
        long listBudget = tooLarge ? -1 : maxHeaderListSize - listSize - DynamicTable.ENTRY_OVERHEAD;
        long tableBudget = indexing ? table.maxSize() - (long) DynamicTable.ENTRY_OVERHEAD : -1;
        String name;
        if (nameIndex == 0) {
            name = string(in, Math.max(listBudget, tableBudget));
        } else if (nameIndex <= StaticTable.LENGTH) {
            name = StaticTable.name(nameIndex);
        } else {
            name = table.name(dynamicIndex(nameIndex));
        }
        String value;
        if (name == null) {
            // still read (and check) the value to stay in step with the block
            value = string(in, -1);
        } else {
            value = string(in, Math.max(listBudget, tableBudget) - name.length());
        }
        if (name == null || value == null) {
            // the field is larger than both budgets: over the list limit, and too large for
            // the table, which empties as it would adding it (RFC 7541 section 4.4)
            tooLarge = true;
            if (indexing) {
                table.clear();
            }
            return;
        }
        if (indexing) {
            table.add(name, value);
        }
        emit(name, value, sink);
    }

    private void emit(String name, String value, HeaderSink sink) {
        if (tooLarge) {
            return;
        }
        long fieldSize = (long) name.length() + value.length() + DynamicTable.ENTRY_OVERHEAD;
        if (listSize + fieldSize > maxHeaderListSize) {
            tooLarge = true;
            return;
        }
        listSize += fieldSize;
        sink.header(name, value);
    }

    private int dynamicIndex(int index) throws HpackCompressionException {
        int dynamic = index - StaticTable.LENGTH - 1;
        if (dynamic >= table.length()) {
            throw new HpackCompressionException("index " + index + " past the end of the table (" + (StaticTable.LENGTH + table.length()) + ")");
        }
        return dynamic;
    }

    /**
     * Reads a string literal (section 5.2). Returns null, having read past it and checked it,
     * when it is longer than {@code limit} octets once decoded: nothing is allocated for it.
     */
    private String string(ByteBuffer in, long limit) throws HpackCompressionException {
        if (!in.hasRemaining()) {
            throw new HpackCompressionException("truncated field: string length missing");
        }
        int first = in.get() & 0xFF;
        int length = PrefixedInteger.decode(first, 7, in);
        if (length > in.remaining()) {
            throw new HpackCompressionException("truncated string: " + length + " octets announced, " + in.remaining() + " left");
        }
        int cap = (int) Math.max(-1, Math.min(limit, Integer.MAX_VALUE));
        if ((first & 0x80) == 0) {
            if (length > cap) {
                in.position(in.position() + length);
                return null;
            }
            return latin1(in, length);
        }
        // Huffman: at most 8/5 octets out per octet in, and never more than the cap is stored
        int room = (int) Math.min(cap, length * 8L / 5);
        if (scratch.length < room) {
            scratch = new byte[Math.max(room, scratch.length * 2)];
        }
        int decoded = HuffmanDecoder.decode(in, length, scratch, Math.max(cap, 0));
        if (decoded == HuffmanDecoder.TOO_LONG || decoded > cap) {
            return null;
        }
        return new String(scratch, 0, decoded, StandardCharsets.ISO_8859_1);
    }

    private String latin1(ByteBuffer in, int length) {
        int position = in.position();
        in.position(position + length);
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + position, length, StandardCharsets.ISO_8859_1);
        }
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        in.get(position, scratch, 0, length);
        return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
    }
}
