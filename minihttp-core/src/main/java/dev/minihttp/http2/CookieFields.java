package dev.minihttp.http2;

import dev.minihttp.http.HttpHeaders;

/**
 * RFC 9113 8.2.3: HTTP/2 clients may send each cookie-pair as its own {@code cookie} field (so
 * HPACK can index them one by one); before the request reaches an application they "MUST be
 * concatenated into a single octet string using the two-octet delimiter of 0x3b, 0x20".
 */
public final class CookieFields {

    private CookieFields() {
    }

    /**
     * The fields with every {@code cookie} field joined with "; " into one, at the place of the
     * first; the same object when there are fewer than two.
     */
    public static HttpHeaders join(HttpHeaders fields) {
        int count = 0;
        for (int i = 0; i < fields.size(); i++) {
            if (fields.name(i).equalsIgnoreCase("cookie")) {
                count++;
            }
        }
        if (count < 2) {
            return fields;
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (fields.name(i).equalsIgnoreCase("cookie")) {
                if (joined.length() > 0) {
                    joined.append("; ");
                }
                joined.append(fields.value(i));
            }
        }
        HttpHeaders result = new HttpHeaders(fields.size() - count + 1);
        boolean placed = false;
        for (int i = 0; i < fields.size(); i++) {
            String name = fields.name(i);
            if (!name.equalsIgnoreCase("cookie")) {
                result.add(name, fields.value(i));
            } else if (!placed) {
                result.add(name, joined.toString());
                placed = true;
            }
        }
        return result;
    }
}
