package dev.minihttp.servlet;

import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locale to character encoding, for {@link jakarta.servlet.ServletResponse#setLocale}: what a
 * {@code web.xml} {@code locale-encoding-mapping-list} declares (Spring Boot's
 * {@code server.servlet.encoding.mapping} arrives here through the starter). Empty by default:
 * without a mapping, {@code setLocale} leaves the response's encoding alone.
 */
final class LocaleCharsets {

    private final Map<String, String> mappings = new ConcurrentHashMap<>();

    void add(Locale locale, Charset charset) {
        mappings.put(locale.toString(), charset.name());
    }

    /** As Tomcat looks it up: the whole locale ("de_CH_x"), then language and country ("de_CH"), then the language. */
    String forLocale(Locale locale) {
        if (mappings.isEmpty()) {
            return null;
        }
        String charset = mappings.get(locale.toString());
        if (charset == null && !locale.getCountry().isEmpty()) {
            charset = mappings.get(locale.getLanguage() + "_" + locale.getCountry());
        }
        return charset != null ? charset : mappings.get(locale.getLanguage());
    }
}
