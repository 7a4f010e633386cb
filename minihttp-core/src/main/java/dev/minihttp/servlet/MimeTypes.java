package dev.minihttp.servlet;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * File extension to media type, for {@link jakarta.servlet.ServletContext#getMimeType}. A built-in
 * table of the types web apps actually serve, plus additions the embedder registers (Spring Boot's
 * {@code MimeMappings} arrive here through the starter).
 */
public final class MimeTypes {

    private static final Map<String, String> BUILT_IN = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"),
            Map.entry("mjs", "text/javascript"), Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), Map.entry("txt", "text/plain"),
            Map.entry("csv", "text/csv"), Map.entry("xml", "application/xml"),
            Map.entry("xhtml", "application/xhtml+xml"), Map.entry("md", "text/markdown"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/x-icon"),
            Map.entry("webp", "image/webp"), Map.entry("avif", "image/avif"), Map.entry("bmp", "image/bmp"),
            Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"), Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"), Map.entry("eot", "application/vnd.ms-fontobject"),
            Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
            Map.entry("wasm", "application/wasm"), Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"), Map.entry("ogg", "audio/ogg"), Map.entry("wav", "audio/wav"),
            Map.entry("jar", "application/java-archive"), Map.entry("yaml", "application/yaml"),
            Map.entry("yml", "application/yaml"), Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("bin", "application/octet-stream"));

    private final Map<String, String> added = new ConcurrentHashMap<>();

    /** Adds or replaces the type of an extension (without the dot, case-insensitive). */
    public void add(String extension, String mimeType) {
        added.put(extension.toLowerCase(Locale.ROOT), mimeType);
    }

    /** The type of a file name or path by its last extension, or null when unknown. */
    public String forFile(String file) {
        if (file == null) {
            return null;
        }
        int slash = file.lastIndexOf('/');
        int dot = file.lastIndexOf('.');
        if (dot < 0 || dot < slash || dot == file.length() - 1) {
            return null;
        }
        String extension = file.substring(dot + 1).toLowerCase(Locale.ROOT);
        String type = added.get(extension);
        return type != null ? type : BUILT_IN.get(extension);
    }
}
