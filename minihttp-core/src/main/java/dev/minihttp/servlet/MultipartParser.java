package dev.minihttp.servlet;

import jakarta.servlet.MultipartConfigElement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming multipart/form-data parser (RFC 7578) over the buffered request body. Written here
 * rather than taken from a library: the body is already complete (no network waits to handle),
 * the format is small, and the Servlet limits — file size, request size, in-memory threshold —
 * have to be enforced while reading anyway. Parts over the threshold go to a temp file.
 *
 * <p>Limit violations throw {@link IllegalStateException}, as {@code getParts()} is specified to.
 */
final class MultipartParser {

    private static final int MAX_PART_HEADER_BYTES = 16 * 1024;

    private final byte[] delimiter; // CRLF "--" boundary
    private final MultipartConfigElement config;
    private final Charset headerCharset;
    private final Path location;
    private final byte[] buffer = new byte[64 * 1024];
    private int start;
    private int end;
    private InputStream in;
    private long total;

    MultipartParser(String boundary, MultipartConfigElement config, Charset charset, Path location) {
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.config = config;
        // Browsers send field names and file names as raw UTF-8 unless told otherwise.
        this.headerCharset = charset == null || charset.equals(StandardCharsets.ISO_8859_1) ? StandardCharsets.UTF_8 : charset;
        this.location = location;
    }

    List<jakarta.servlet.http.Part> parse(InputStream body) throws IOException {
        this.in = body;
        // Treat the body as if preceded by CRLF, so the first boundary looks like every other one.
        buffer[0] = '\r';
        buffer[1] = '\n';
        start = 0;
        end = 2;
        List<jakarta.servlet.http.Part> parts = new ArrayList<>();
        if (!skipTo(OutputStream.nullOutputStream())) {
            throw new IllegalStateException("Malformed multipart body: no boundary");
        }
        try {
            while (true) {
                if (!ensure(2)) {
                    throw new IllegalStateException("Malformed multipart body: truncated after a boundary");
                }
                if (buffer[start] == '-' && buffer[start + 1] == '-') {
                    return parts; // closing delimiter; the epilogue is ignored
                }
                skipLinearWhitespace();
                if (!ensure(2) || buffer[start] != '\r' || buffer[start + 1] != '\n') {
                    throw new IllegalStateException("Malformed multipart body: bad boundary line");
                }
                start += 2;
                parts.add(readPart());
            }
        } catch (RuntimeException | IOException e) {
            for (jakarta.servlet.http.Part part : parts) {
                part.delete();
            }
            throw e;
        }
    }

    private jakarta.servlet.http.Part readPart() throws IOException {
        Map<String, List<String>> headers = readHeaders();
        String disposition = first(headers, "content-disposition");
        if (disposition == null) {
            throw new IllegalStateException("Malformed multipart body: part without Content-Disposition");
        }
        String name = dispositionParameter(disposition, "name");
        String fileName = dispositionParameter(disposition, "filename*");
        if (fileName != null) {
            fileName = decodeExtended(fileName);
        } else {
            fileName = dispositionParameter(disposition, "filename");
        }
        PartSink sink = new PartSink(config.getFileSizeThreshold(), config.getMaxFileSize());
        try {
            if (!skipTo(sink)) {
                throw new IllegalStateException("Malformed multipart body: part not terminated");
            }
        } catch (RuntimeException | IOException e) {
            sink.discard();
            throw e;
        }
        return new MultipartPart(name == null ? "" : name, fileName, headers, sink.memory(), sink.file(), sink.size(), location);
    }

    private Map<String, List<String>> readHeaders() throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int read = 0;
        while (true) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                if (!ensure(1)) {
                    throw new IllegalStateException("Malformed multipart body: truncated part headers");
                }
                byte b = buffer[start++];
                if (++read > MAX_PART_HEADER_BYTES) {
                    throw new IllegalStateException("Multipart part headers too large");
                }
                if (b == '\n') {
                    break;
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            if (line.size() == 0) {
                return headers;
            }
            String text = line.toString(headerCharset);
            int colon = text.indexOf(':');
            if (colon > 0) {
                headers.computeIfAbsent(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1))
                        .add(text.substring(colon + 1).trim());
            }
        }
    }

    /** Copies bytes up to the next delimiter into {@code sink} and consumes the delimiter; false at end of input. */
    private boolean skipTo(OutputStream sink) throws IOException {
        while (true) {
            int found = indexOf(delimiter, start, end);
            if (found >= 0) {
                sink.write(buffer, start, found - start);
                start = found + delimiter.length;
                return true;
            }
            int safe = Math.max(start, end - delimiter.length + 1);
            sink.write(buffer, start, safe - start);
            start = safe;
            if (!fill()) {
                return false;
            }
        }
    }

    private int indexOf(byte[] pattern, int from, int to) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (buffer[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private boolean ensure(int count) throws IOException {
        while (end - start < count) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    private void skipLinearWhitespace() throws IOException {
        while (ensure(1) && (buffer[start] == ' ' || buffer[start] == '\t')) {
            start++;
        }
    }

    private boolean fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            return false;
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            return false;
        }
        total += n;
        long maxRequest = config.getMaxRequestSize();
        if (maxRequest > 0 && total > maxRequest) {
            throw new IllegalStateException("The multipart request exceeds its maximum size of " + maxRequest + " bytes");
        }
        end += n;
        return true;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.get(0);
    }

    static String dispositionParameter(String disposition, String name) {
        int i = disposition.indexOf(';');
        while (i >= 0 && i < disposition.length()) {
            int nameStart = i + 1;
            int equals = disposition.indexOf('=', nameStart);
            if (equals < 0) {
                return null;
            }
            String key = disposition.substring(nameStart, equals).trim();
            int valueStart = equals + 1;
            String value;
            int next;
            if (valueStart < disposition.length() && disposition.charAt(valueStart) == '"') {
                StringBuilder quoted = new StringBuilder();
                int j = valueStart + 1;
                while (j < disposition.length() && disposition.charAt(j) != '"') {
                    char c = disposition.charAt(j);
                    // Browsers do not escape backslashes in file names (Windows paths): only \" is an escape.
                    if (c == '\\' && j + 1 < disposition.length() && disposition.charAt(j + 1) == '"') {
                        c = '"';
                        j++;
                    }
                    quoted.append(c);
                    j++;
                }
                value = quoted.toString();
                next = disposition.indexOf(';', j);
            } else {
                next = disposition.indexOf(';', valueStart);
                value = disposition.substring(valueStart, next < 0 ? disposition.length() : next).trim();
            }
            if (key.equalsIgnoreCase(name)) {
                return value;
            }
            i = next;
        }
        return null;
    }

    // RFC 5987 ext-value: charset'language'percent-encoded
    private static String decodeExtended(String value) {
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return value;
        }
        try {
            Charset charset = Charset.forName(value.substring(0, first));
            return URLDecoder.decode(value.substring(second + 1).replace("+", "%2B"), charset);
        } catch (RuntimeException e) {
            return value;
        }
    }

    /** Holds a part's bytes in memory up to the threshold, then in a temp file; enforces the file size limit. */
    private final class PartSink extends OutputStream {
        private final long threshold;
        private final long maxSize;
        private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
        private Path file;
        private OutputStream fileOut;
        private long size;

        PartSink(long threshold, long maxSize) {
            this.threshold = threshold;
            this.maxSize = maxSize;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0) {
                return;
            }
            size += length;
            if (maxSize > 0 && size > maxSize) {
                throw new IllegalStateException("A multipart file exceeds its maximum size of " + maxSize + " bytes");
            }
            if (fileOut == null && size > threshold) {
                Files.createDirectories(location);
                file = Files.createTempFile(location, "minihttp-part-", ".tmp");
                fileOut = Files.newOutputStream(file);
                memory.writeTo(fileOut);
                memory.reset();
            }
            if (fileOut != null) {
                fileOut.write(bytes, offset, length);
            } else {
                memory.write(bytes, offset, length);
            }
        }

        byte[] memory() {
            closeFile();
            return file == null ? memory.toByteArray() : null;
        }

        Path file() {
            return file;
        }

        long size() {
            return size;
        }

        private void closeFile() {
            if (fileOut != null) {
                try {
                    fileOut.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                fileOut = null;
            }
        }

        void discard() throws IOException {
            closeFile();
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }
}
