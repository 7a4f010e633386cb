package dev.minihttp.http2.hpack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Shared by the HPACK tests: hex in and out, fields as a list, decoding into a list. */
final class HpackTestSupport {

    record Field(String name, String value) {
        @Override
        public String toString() {
            return name + ": " + value;
        }
    }

    private HpackTestSupport() {
    }

    /** Hex with any whitespace, as the RFC prints it. */
    static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static List<Field> fields(String... namesAndValues) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return fields;
    }

    static List<Field> decode(HpackDecoder decoder, byte[] block) throws HpackException {
        List<Field> fields = new ArrayList<>();
        decoder.decode(ByteBuffer.wrap(block), (name, value) -> fields.add(new Field(name, value)));
        return fields;
    }

    static byte[] encode(HpackEncoder encoder, List<Field> fields) {
        HeaderBlock block = new HeaderBlock();
        encoder.startBlock(block);
        for (Field field : fields) {
            encoder.header(block, field.name(), field.value());
        }
        return block.toByteArray();
    }

    /** The table's fields, newest first. */
    static List<Field> entries(DynamicTable table) {
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < table.length(); i++) {
            fields.add(new Field(table.name(i), table.value(i)));
        }
        return fields;
    }
}
