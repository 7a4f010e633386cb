package dev.minihttp.servlet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code application/x-www-form-urlencoded} data (query strings and form bodies) into a
 * parameter map. The work is done on bytes, in the order the format defines: split at '&' and
 * '=', turn '+' into a space and each %XX into its byte, and only then read the bytes as text in
 * the request's charset. Raw non-ASCII bytes (browsers and curl send them unescaped in bodies)
 * thereby mean the same as their percent-escaped form. A malformed escape keeps its raw text
 * rather than failing the whole request.
 */
final class FormDecoder {

    private FormDecoder() {
    }

    /** Data that is already text (a query string, a dispatcher's added query): its characters are encoded in {@code charset} first. */
    static void decodeInto(String data, Charset charset, Map<String, List<String>> parameters) {
        if (data == null || data.isEmpty()) {
            return;
        }
        decodeInto(data.getBytes(charset), charset, parameters);
    }

    /** A form body as it arrived. */
    static void decodeInto(byte[] data, Charset charset, Map<String, List<String>> parameters) {
        int start = 0;
        while (start < data.length) {
            int end = indexOf(data, (byte) '&', start, data.length);
            if (end > start) {
                int equals = indexOf(data, (byte) '=', start, end);
                String name = decode(data, start, equals, charset);
                String value = equals == end ? "" : decode(data, equals + 1, end, charset);
                if (!name.isEmpty()) {
                    parameters.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
                }
            }
            start = end + 1;
        }
    }

    /** The first index of {@code b} in [from, to), or {@code to}. */
    private static int indexOf(byte[] data, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return to;
    }

    private static String decode(byte[] data, int from, int to, Charset charset) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = data[i];
            int high;
            int low;
            if (b == '+') {
                bytes.write(' ');
            } else if (b == '%' && i + 2 < to && (high = hexValue(data[i + 1])) >= 0 && (low = hexValue(data[i + 2])) >= 0) {
                bytes.write((high << 4) | low);
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        return bytes.toString(charset);
    }

    private static int hexValue(byte b) {
        return b >= 0 ? Character.digit((char) b, 16) : -1; // ASCII hex digits only
    }
}
