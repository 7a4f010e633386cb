package dev.minihttp.http2.hpack;

/**
 * The dynamic table of RFC 7541 section 4: fields in insertion order, newest first, evicted from
 * the oldest end to keep the sum of their sizes (name octets + value octets + 32) within the
 * maximum size. A ring of names and values, so adding a field allocates nothing once the ring has
 * grown (it never holds more than maxSize / 32 fields).
 *
 * <p>Sizes are counted in chars, which are octets: every name and value in the table is
 * ISO-8859-1 (the decoder makes them so, the encoder checks).
 */
final class DynamicTable {

    /** What RFC 7541 adds to each field's octets for its size: an estimate of an entry's overhead. */
    static final int ENTRY_OVERHEAD = 32;

    private String[] names = new String[16];
    private String[] values = new String[16];
    /** The slot the next field goes to; the newest field is in the slot before it. */
    private int next;
    private int count;
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    static int sizeOf(String name, String value) {
        return name.length() + value.length() + ENTRY_OVERHEAD;
    }

    /** How many fields the table holds. */
    int length() {
        return count;
    }

    /** The sum of the fields' sizes. */
    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** Changes the maximum size, evicting the oldest fields until the others fit. */
    void setMaxSize(int maxSize) {
        this.maxSize = maxSize;
        evictUntilFits(0);
    }

    /**
     * Adds a field as the newest, evicting what no longer fits; a field larger than the maximum
     * size empties the table and is not added (RFC 7541 section 4.4).
     */
    void add(String name, String value) {
        int entrySize = sizeOf(name, value);
        if (entrySize > maxSize) {
            evictUntilFits(maxSize);
            return;
        }
        evictUntilFits(entrySize);
        if (count == names.length) {
            grow();
        }
        names[next] = name;
        values[next] = value;
        next = (next + 1) & (names.length - 1);
        count++;
        size += entrySize;
    }

    /** Empties the table, as adding a field larger than the maximum size does. */
    void clear() {
        evictUntilFits(maxSize);
    }

    /** The name of the field at {@code index}, 0 being the newest. */
    String name(int index) {
        return names[slot(index)];
    }

    /** The value of the field at {@code index}, 0 being the newest. */
    String value(int index) {
        return values[slot(index)];
    }

    /**
     * The encoder's lookup: {@code index + 1} of the newest field with this name and value, else
     * {@code -(index + 1)} of the newest field with this name, else 0.
     */
    int find(String name, String value) {
        int nameMatch = 0;
        for (int index = 0; index < count; index++) {
            int slot = slot(index);
            if (names[slot].equals(name)) {
                if (values[slot].equals(value)) {
                    return index + 1;
                }
                if (nameMatch == 0) {
                    nameMatch = -(index + 1);
                }
            }
        }
        return nameMatch;
    }

    private int slot(int index) {
        return (next - 1 - index) & (names.length - 1);
    }

    private void evictUntilFits(int incoming) {
        while (count > 0 && size + incoming > maxSize) {
            int oldest = (next - count) & (names.length - 1);
            size -= sizeOf(names[oldest], values[oldest]);
            names[oldest] = null;
            values[oldest] = null;
            count--;
        }
    }

    private void grow() {
        // copy oldest to newest into the start of rings twice the size
        String[] grownNames = new String[names.length * 2];
        String[] grownValues = new String[values.length * 2];
        for (int i = 0; i < count; i++) {
            int slot = (next - count + i) & (names.length - 1);
            grownNames[i] = names[slot];
            grownValues[i] = values[slot];
        }
        names = grownNames;
        values = grownValues;
        next = count;
    }
}
