package dev.minihttp.boot;

import dev.minihttp.http.HttpHeaders;

/** The {@code Vary} response field (RFC 9110, section 12.5.5), kept to one field line. */
final class Vary {

    private Vary() {
    }

    /**
     * Adds {@code Accept-Encoding} to the response's {@code Vary}: nothing when a field already
     * names it (in any case) or is {@code *}; appended to what the application put there
     * otherwise, so the response keeps a single {@code Vary} line.
     */
    static void addAcceptEncoding(HttpHeaders headers) {
        if (headers.containsToken("Vary", "Accept-Encoding") || headers.containsToken("Vary", "*")) {
            return;
        }
        StringBuilder value = new StringBuilder();
        for (String existing : headers.getAll("Vary")) {
            if (!existing.isBlank()) {
                value.append(existing.trim()).append(", ");
            }
        }
        headers.set("Vary", value.append("Accept-Encoding").toString());
    }
}
