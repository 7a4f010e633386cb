package dev.minihttp.http2.hpack;

import static dev.minihttp.http2.hpack.HpackTestSupport.decode;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.http2.hpack.HpackTestSupport.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackContext;
import org.junit.jupiter.api.Test;

/**
 * Our codec against Jetty's, an independent implementation: random header sets over several
 * blocks per connection, with table sizes from 0 up and changes between blocks. What our
 * encoder writes Jetty's decoder reads back equal, and what Jetty's encoder writes ours does.
 * Seeds are fixed, so a failure names the seed that reproduces it.
 */
class HpackJettyDifferentialTest {

    private static final int CONNECTIONS = 400;
    private static final int[] TABLE_SIZES = {0, 1, 64, 256, 4096, 8192};

    /**
     * Names Jetty's metadata layer treats specially (connection-specific fields it drops,
     * content-length and host it parses) are left out: they test Jetty's HTTP rules, not HPACK.
     */
    private static final List<String> NAMES = List.of(
            "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "accept", "age", "allow",
            "authorization", "cache-control", "content-disposition", "content-encoding", "content-language",
            "content-location", "content-range", "content-type", "cookie", "date", "etag", "expect", "expires",
            "from", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
            "last-modified", "link", "location", "max-forwards", "proxy-authenticate", "proxy-authorization",
            "range", "referer", "refresh", "retry-after", "server", "set-cookie", "strict-transport-security",
            "user-agent", "vary", "via", "www-authenticate", "x-request-id", "x-forwarded-for");

    @Test
    void staticTableIsJettys() {
        for (int index = 1; index <= StaticTable.LENGTH; index++) {
            assertThat(new String[] {StaticTable.name(index), StaticTable.value(index)})
                    .as("static entry %d", index)
                    .containsExactly(HpackContext.STATIC_TABLE[index][0], valueOrEmpty(HpackContext.STATIC_TABLE[index][1]));
        }
    }

    @Test
    void jettyDecodesWhatWeEncode() throws Exception {
        for (int seed = 1; seed <= CONNECTIONS; seed++) {
            Random random = new Random(seed);
            int tableSize = TABLE_SIZES[random.nextInt(TABLE_SIZES.length)];
            HpackEncoder ours = new HpackEncoder(8192);
            ours.setMaxTableSize(tableSize);
            org.eclipse.jetty.http2.hpack.HpackDecoder jetty = new org.eclipse.jetty.http2.hpack.HpackDecoder(1 << 20, System::nanoTime);
            jetty.setMaxTableCapacity(8192);
            List<Field> earlier = new ArrayList<>();
            HeaderBlock block = new HeaderBlock();
            for (int b = 0, blocks = 1 + random.nextInt(6); b < blocks; b++) {
                if (random.nextInt(5) == 0) {
                    ours.setMaxTableSize(TABLE_SIZES[random.nextInt(TABLE_SIZES.length)]);
                    if (random.nextBoolean()) {
                        ours.setMaxTableSize(TABLE_SIZES[random.nextInt(TABLE_SIZES.length)]);
                    }
                }
                List<Field> fields = randomFields(random, earlier);
                block.clear();
                ours.startBlock(block);
                for (Field field : fields) {
                    ours.header(block, field.name(), field.value(), random.nextInt(10) == 0);
                }
                MetaData decoded = jetty.decode(ByteBuffer.wrap(block.toByteArray()));
                assertThat(fields(decoded.getHttpFields())).as("seed %d block %d", seed, b).isEqualTo(fields);
                assertThat(jetty.getHpackContext().getDynamicTableSize()).as("table size, seed %d block %d", seed, b)
                        .isEqualTo(ours.table().size());
            }
        }
    }

    @Test
    void weDecodeWhatJettyEncodes() throws Exception {
        for (int seed = 1; seed <= CONNECTIONS; seed++) {
            Random random = new Random(-seed);
            int tableSize = TABLE_SIZES[random.nextInt(TABLE_SIZES.length)];
            org.eclipse.jetty.http2.hpack.HpackEncoder jetty = new org.eclipse.jetty.http2.hpack.HpackEncoder();
            jetty.setMaxTableCapacity(8192);
            jetty.setTableCapacity(tableSize);
            jetty.setMaxHeaderListSize(1 << 20);
            HpackDecoder ours = new HpackDecoder(8192, 1 << 20);
            List<Field> earlier = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            for (int b = 0, blocks = 1 + random.nextInt(6); b < blocks; b++) {
                if (random.nextInt(5) == 0) {
                    jetty.setTableCapacity(TABLE_SIZES[random.nextInt(TABLE_SIZES.length)]);
                }
                List<Field> fields = randomFields(random, earlier);
                HttpFields.Mutable jettyFields = HttpFields.build();
                fields.forEach(field -> jettyFields.add(field.name(), field.value()));
                buffer.clear();
                jetty.encode(buffer, new MetaData(HttpVersion.HTTP_2, jettyFields));
                buffer.flip();
                byte[] wire = new byte[buffer.remaining()];
                buffer.get(wire);
                assertThat(decode(ours, wire)).as("seed %d block %d", seed, b).isEqualTo(fields);
                assertThat(ours.table().size()).as("table size, seed %d block %d", seed, b)
                        .isEqualTo(jetty.getHpackContext().getDynamicTableSize());
            }
        }
    }

    /** 0 to 20 fields, about a third of them repeated from earlier blocks, as on a real connection. */
    static List<Field> randomFields(Random random, List<Field> earlier) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0, count = random.nextInt(21); i < count; i++) {
            Field field;
            if (!earlier.isEmpty() && random.nextInt(3) == 0) {
                field = earlier.get(random.nextInt(earlier.size()));
            } else {
                field = new Field(randomName(random), randomValue(random));
                earlier.add(field);
            }
            fields.add(field);
        }
        return fields;
    }

    static String randomName(Random random) {
        if (random.nextInt(4) != 0) {
            return NAMES.get(random.nextInt(NAMES.size()));
        }
        String tchars = "abcdefghijklmnopqrstuvwxyz0123456789-!#$%&'*+.^_`|~";
        StringBuilder name = new StringBuilder("x-");
        for (int i = 0, length = random.nextInt(30); i < length; i++) {
            name.append(tchars.charAt(random.nextInt(tchars.length())));
        }
        return name.toString();
    }

    /** A field value (RFC 9110 section 5.5): VCHAR and obs-text, with SP and HTAB only inside. */
    static String randomValue(Random random) {
        int length = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 100 + random.nextInt(1000);
            default -> 1 + random.nextInt(40);
        };
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(20);
            char c;
            if (kind == 0 && i > 0 && i < length - 1) {
                c = random.nextBoolean() ? ' ' : '\t';
            } else if (kind == 1) {
                c = (char) (0x80 + random.nextInt(0x80));
            } else {
                c = (char) (0x21 + random.nextInt(0x7F - 0x21));
            }
            value.append(c);
        }
        return value.toString();
    }

    private static List<Field> fields(HttpFields httpFields) {
        List<Field> fields = new ArrayList<>();
        for (HttpField field : httpFields) {
            fields.add(new Field(field.getName(), valueOrEmpty(field.getValue())));
        }
        return fields;
    }

    private static String valueOrEmpty(String value) {
        return value == null ? "" : value;
    }
}
