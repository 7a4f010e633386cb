package dev.minihttp.servlet;

import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One part of a multipart/form-data body, held in memory or (above the threshold) in a temp file. */
final class MultipartPart implements Part {

    private final String name;
    private final String submittedFileName;
    private final Map<String, List<String>> headers; // lower-case names
    private final byte[] content;
    private final Path file;
    private final long size;
    private final Path location;

    MultipartPart(String name, String submittedFileName, Map<String, List<String>> headers,
                  byte[] content, Path file, long size, Path location) {
        this.name = name;
        this.submittedFileName = submittedFileName;
        this.headers = headers;
        this.content = content;
        this.file = file;
        this.size = size;
        this.location = location;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(content);
    }

    @Override
    public String getContentType() {
        return getHeader("content-type");
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getSubmittedFileName() {
        return submittedFileName;
    }

    @Override
    public long getSize() {
        return size;
    }

    /** A relative name is resolved against the multipart config location (Servlet spec). */
    @Override
    public void write(String fileName) throws IOException {
        Path target = Path.of(fileName);
        if (!target.isAbsolute()) {
            target = location.resolve(fileName);
        }
        if (file != null) {
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.write(target, content);
        }
    }

    @Override
    public void delete() throws IOException {
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public String getHeader(String headerName) {
        List<String> values = headers.get(headerName.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Collection<String> getHeaders(String headerName) {
        List<String> values = headers.get(headerName.toLowerCase(Locale.ROOT));
        return values == null ? List.of() : new ArrayList<>(values);
    }

    @Override
    public Collection<String> getHeaderNames() {
        return new ArrayList<>(new LinkedHashMap<>(headers).keySet());
    }
}
