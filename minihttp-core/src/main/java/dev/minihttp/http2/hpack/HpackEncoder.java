package dev.minihttp.http2.hpack;

import java.util.Set;

/**
 * Encodes the header blocks this end sends on one connection (RFC 7541), keeping the dynamic
 * table across blocks. One per connection, used by one thread at a time; the blocks must reach
 * the wire in the order they were encoded, since each may refer to what the earlier ones added.
 *
 * <p>Use: {@link #startBlock} (it writes any pending table size update), then {@link #header}
 * per field, then hand the {@link HeaderBlock}'s bytes to the frame layer. Names must be
 * lowercase, as HTTP/2 requires (RFC 9113 section 8.2.1): that is the caller's job, checked here
 * only by an {@code assert}. Names and values must be ISO-8859-1 (one octet per char).
 *
 * <p>How a field is represented, cheapest first:
 * <ol>
 *   <li>an entry of the static or dynamic table with the same name and value: its index;</li>
 *   <li>sensitive fields (see {@link #header(HeaderBlock, String, String, boolean)}): a literal
 *       <em>never indexed</em>, name by index when a table has it, value not Huffman-coded;</li>
 *   <li>fields worth remembering: a literal <em>with incremental indexing</em>, so the next
 *       response on the connection sends only the index;</li>
 *   <li>the rest, whose values rarely repeat ({@code content-length}, {@code etag},
 *       {@code last-modified}, {@code location}, {@code :path}, ... and any field over 3/4 of the
 *       table, which would evict everything else): a literal <em>without indexing</em>.</li>
 * </ol>
 * A string is Huffman-coded only when that is shorter.
 */
public final class HpackEncoder {

    /**
     * Values that change from one message to the next: indexing them would only evict fields
     * that do repeat. {@code date} is not here: it changes once a second and repeats on every
     * response within it.
     */
    private static final Set<String> NOT_INDEXED = Set.of(
            ":path", "content-length", "content-range", "etag", "last-modified", "location",
            "if-modified-since", "if-unmodified-since", "if-none-match", "if-match", "if-range",
            "range", "age", "expires");
    /**
     * Credentials are never indexed (RFC 7541 section 7.1.3): a field in the table can be probed
     * by an attacker who gets its own guesses encoded on the same connection and watches the
     * sizes (CRIME). {@code set-cookie} is among them: its value is the client's session secret,
     * it seldom repeats verbatim on a connection (so indexing it gains little), and the
     * never-indexed flag also asks intermediaries to keep it out of their tables.
     */
    private static final Set<String> SENSITIVE = Set.of("authorization", "proxy-authorization", "set-cookie");
    /**
     * A cookie shorter than this is never indexed: a short value has too little entropy to
     * withstand guessing through the table (RFC 7541 section 7.1.3); a long one is worth indexing,
     * as a client sends the same cookies on every request.
     */
    private static final int SHORT_COOKIE = 20;

    /** When string literals are Huffman-coded; only tests pick other than WHEN_SHORTER. */
    enum HuffmanChoice { NEVER, WHEN_SHORTER, ALWAYS }

    private final int maxTableSizeCap;
    /** Tests only: index every field not explicitly sensitive, as RFC 7541's examples do. */
    private final boolean indexEverything;
    private final HuffmanChoice huffman;
    private final DynamicTable table = new DynamicTable(HpackDecoder.DEFAULT_TABLE_SIZE);
    private boolean sizeUpdatePending;
    /** The smallest size the table had to go down to since the last block, and the latest. */
    private int smallestPendingSize = Integer.MAX_VALUE;
    private int pendingSize;

    /** An encoder that uses at most the default 4,096 octets of table, as the peer allows. */
    public HpackEncoder() {
        this(HpackDecoder.DEFAULT_TABLE_SIZE);
    }

    /**
     * @param maxTableSizeCap the most table this end spends on the connection, whatever the peer
     *     allows; below 4,096 the first block carries a size update
     */
    public HpackEncoder(int maxTableSizeCap) {
        this(maxTableSizeCap, false, HuffmanChoice.WHEN_SHORTER);
    }

    HpackEncoder(int maxTableSizeCap, boolean indexEverything, HuffmanChoice huffman) {
        this.indexEverything = indexEverything;
        this.huffman = huffman;
        if (maxTableSizeCap < 0) {
            throw new IllegalArgumentException("negative table size");
        }
        this.maxTableSizeCap = maxTableSizeCap;
        setMaxTableSize(HpackDecoder.DEFAULT_TABLE_SIZE);
    }

    /**
     * Applies the peer's SETTINGS_HEADER_TABLE_SIZE (when its SETTINGS frame arrives). The
     * table is resized at the next {@link #startBlock}, which tells the peer's decoder with a
     * table size update (two, if the size went down and back up in between).
     */
    public void setMaxTableSize(int peerHeaderTableSize) {
        if (peerHeaderTableSize < 0) {
            throw new IllegalArgumentException("negative table size");
        }
        int size = Math.min(peerHeaderTableSize, maxTableSizeCap);
        if (!sizeUpdatePending && size == table.maxSize()) {
            return;
        }
        sizeUpdatePending = true;
        smallestPendingSize = Math.min(smallestPendingSize, size);
        pendingSize = size;
    }

    /** Begins a header block in {@code out}: writes the table size updates pending, if any. */
    public void startBlock(HeaderBlock out) {
        if (!sizeUpdatePending) {
            return;
        }
        if (smallestPendingSize < pendingSize) {
            sizeUpdate(smallestPendingSize, out);
        }
        sizeUpdate(pendingSize, out);
        sizeUpdatePending = false;
        smallestPendingSize = Integer.MAX_VALUE;
    }

    /** Encodes a field, treating it as sensitive if its name says so (see the class comment). */
    public void header(HeaderBlock out, String name, String value) {
        header(out, name, value, false);
    }

    /**
     * Encodes a field.
     *
     * @param sensitive true to send it as never indexed whatever its name: a credential the
     *     application knows of. {@code authorization}, {@code proxy-authorization},
     *     {@code set-cookie} and short {@code cookie} values are sensitive anyway.
     * @throws IllegalStateException if {@link #startBlock} was not called after a table size change
     * @throws IllegalArgumentException if a char of the name or value is not ISO-8859-1; the
     *     table is unchanged but the block holds part of the field and must be discarded
     */
    public void header(HeaderBlock out, String name, String value, boolean sensitive) {
        if (sizeUpdatePending) {
            throw new IllegalStateException("a table size update is pending: call startBlock first");
        }
        assert isLowercase(name) : "HTTP/2 field names are lowercase: " + name;
        int inStatic = StaticTable.find(name, value);
        if (inStatic > 0) {
            // a static entry discloses nothing, even for a sensitive field
            PrefixedInteger.encode(0x80, 7, inStatic, out);
            return;
        }
        boolean neverIndexed = sensitive || (!indexEverything && isSensitive(name, value));
        int inDynamic = table.find(name, value);
        if (inDynamic > 0 && !neverIndexed) {
            PrefixedInteger.encode(0x80, 7, StaticTable.LENGTH + inDynamic, out);
            return;
        }
        int nameIndex = inStatic < 0 ? -inStatic : inDynamic == 0 ? 0 : StaticTable.LENGTH + Math.abs(inDynamic);
        if (neverIndexed) {
            literal(0x10, 4, nameIndex, name, value, false, out);
        } else if (worthIndexing(name, value)) {
            literal(0x40, 6, nameIndex, name, value, true, out);
            table.add(name, value);
        } else {
            literal(0x00, 4, nameIndex, name, value, true, out);
        }
    }

    /** The dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    private void sizeUpdate(int size, HeaderBlock out) {
        table.setMaxSize(size);
        PrefixedInteger.encode(0x20, 5, size, out);
    }

    private void literal(int flags, int prefixBits, int nameIndex, String name, String value,
            boolean huffmanAllowed, HeaderBlock out) {
        PrefixedInteger.encode(flags, prefixBits, nameIndex, out);
        if (nameIndex == 0) {
            string(name, true, out);
        }
        string(value, huffmanAllowed, out);
    }

    /**
     * A string literal, Huffman-coded when shorter. Sensitive values are sent as they are: the
     * length of a Huffman code would tell an observer which characters a secret is made of.
     */
    private void string(String text, boolean huffmanAllowed, HeaderBlock out) {
        int coded = HuffmanEncoder.encodedLength(text);
        boolean code = switch (huffman) {
            case NEVER -> false;
            case WHEN_SHORTER -> huffmanAllowed && coded < text.length();
            case ALWAYS -> true;
        };
        if (code) {
            PrefixedInteger.encode(0x80, 7, coded, out);
            HuffmanEncoder.encode(text, out);
        } else {
            PrefixedInteger.encode(0x00, 7, text.length(), out);
            out.writeLatin1(text);
        }
    }

    private boolean worthIndexing(String name, String value) {
        if (indexEverything) {
            return true;
        }
        return DynamicTable.sizeOf(name, value) <= table.maxSize() / 4 * 3 && !NOT_INDEXED.contains(name);
    }

    private static boolean isSensitive(String name, String value) {
        return SENSITIVE.contains(name) || (name.equals("cookie") && value.length() < SHORT_COOKIE);
    }

    private static boolean isLowercase(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return false;
            }
        }
        return true;
    }
}
