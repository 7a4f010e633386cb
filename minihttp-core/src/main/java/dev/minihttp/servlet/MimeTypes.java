package dev.minihttp.servlet;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * File extension to media type, for {@link jakarta.servlet.ServletContext#getMimeType}. Starts as
 * a built-in table of the types web apps actually serve, to which an embedder may add; or the
 * embedder gives the whole table ({@link #replaceAll}), as the Spring Boot starter does with Boot's
 * {@code MimeMappings}, which then is the table, exactly, as on Tomcat and Jetty: a mapping the
 * application removed from it is gone, and no built-in one is left over.
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

    /** Swapped whole, never changed in place: a request never sees a table half replaced. Changes are configuration, rare. */
    private volatile Map<String, String> table = BUILT_IN;

    /** Adds or replaces the type of an extension (without the dot, case-insensitive). */
    public synchronized void add(String extension, String mimeType) {
        Map<String, String> changed = new HashMap<>(table);
        changed.put(extension.toLowerCase(Locale.ROOT), mimeType);
        table = changed;
    }

    /** Makes {@code mappings} (extension without the dot, case-insensitive, to type) the whole table. */
    public synchronized void replaceAll(Map<String, String> mappings) {
        Map<String, String> replacement = new HashMap<>();
        mappings.forEach((extension, type) -> replacement.put(extension.toLowerCase(Locale.ROOT), type));
        table = replacement;
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
        return table.get(extension);
    }
}
