package dev.minihttp.http2.hpack;

import java.util.HashMap;
import java.util.Map;

/**
 * The static table of RFC 7541 Appendix A: 61 fields every HPACK peer knows, at indices 1 to 61.
 * The decoder hands out these very String instances for indexed fields, so the most common
 * fields ({@code :method GET}, {@code :status 200}, any name by index) cost no allocation.
 */
final class StaticTable {

    static final int LENGTH = 61;

    // index 0 is unused: HPACK indices start at 1 and index 0 is an error
    private static final String[] NAMES = new String[LENGTH + 1];
    private static final String[] VALUES = new String[LENGTH + 1];
    /** Entries with the same name are adjacent in the table: name → its first index. */
    private static final Map<String, Integer> FIRST_INDEX_OF_NAME = new HashMap<>();

    static {
        String[] table = {
            ":authority", "", // 1
            ":method", "GET", // 2
            ":method", "POST", // 3
            ":path", "/", // 4
            ":path", "/index.html", // 5
            ":scheme", "http", // 6
            ":scheme", "https", // 7
            ":status", "200", // 8
            ":status", "204", // 9
            ":status", "206", // 10
            ":status", "304", // 11
            ":status", "400", // 12
            ":status", "404", // 13
            ":status", "500", // 14
            "accept-charset", "", // 15
            "accept-encoding", "gzip, deflate", // 16
            "accept-language", "", // 17
            "accept-ranges", "", // 18
            "accept", "", // 19
            "access-control-allow-origin", "", // 20
            "age", "", // 21
            "allow", "", // 22
            "authorization", "", // 23
            "cache-control", "", // 24
            "content-disposition", "", // 25
            "content-encoding", "", // 26
            "content-language", "", // 27
            "content-length", "", // 28
            "content-location", "", // 29
            "content-range", "", // 30
            "content-type", "", // 31
            "cookie", "", // 32
            "date", "", // 33
            "etag", "", // 34
            "expect", "", // 35
            "expires", "", // 36
            "from", "", // 37
            "host", "", // 38
            "if-match", "", // 39
            "if-modified-since", "", // 40
            "if-none-match", "", // 41
            "if-range", "", // 42
            "if-unmodified-since", "", // 43
            "last-modified", "", // 44
            "link", "", // 45
            "location", "", // 46
            "max-forwards", "", // 47
            "proxy-authenticate", "", // 48
            "proxy-authorization", "", // 49
            "range", "", // 50
            "referer", "", // 51
            "refresh", "", // 52
            "retry-after", "", // 53
            "server", "", // 54
            "set-cookie", "", // 55
            "strict-transport-security", "", // 56
            "transfer-encoding", "", // 57
            "user-agent", "", // 58
            "vary", "", // 59
            "via", "", // 60
            "www-authenticate", "", // 61
        };
        for (int index = 1; index <= LENGTH; index++) {
            NAMES[index] = table[2 * (index - 1)];
            VALUES[index] = table[2 * (index - 1) + 1];
            FIRST_INDEX_OF_NAME.putIfAbsent(NAMES[index], index);
        }
    }

    private StaticTable() {
    }

    /** The name at {@code index}, 1 to {@link #LENGTH}. */
    static String name(int index) {
        return NAMES[index];
    }

    /** The value at {@code index}, 1 to {@link #LENGTH}. */
    static String value(int index) {
        return VALUES[index];
    }

    /**
     * Where the encoder finds a field: the index of an entry with this name and value, or minus
     * the index of the first entry with this name, or 0 when the name is not in the table.
     */
    static int find(String name, String value) {
        Integer first = FIRST_INDEX_OF_NAME.get(name);
        if (first == null) {
            return 0;
        }
        for (int index = first; index <= LENGTH && NAMES[index].equals(name); index++) {
            if (VALUES[index].equals(value)) {
                return index;
            }
        }
        return -first;
    }
}
