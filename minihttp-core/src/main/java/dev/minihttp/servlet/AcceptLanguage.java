package dev.minihttp.servlet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The locales of {@code Accept-Language}, most preferred first (by q, then header order). */
final class AcceptLanguage {

    private AcceptLanguage() {
    }

    static List<Locale> parse(List<String> headerValues) {
        record Weighted(Locale locale, double quality, int order) {
        }
        List<Weighted> found = new ArrayList<>();
        for (String header : headerValues) {
            for (String range : header.split(",")) {
                String[] parts = range.trim().split(";");
                String tag = parts[0].trim();
                if (tag.isEmpty() || tag.equals("*")) {
                    continue;
                }
                double quality = 1.0;
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].trim();
                    if (parameter.startsWith("q=")) {
                        try {
                            quality = Double.parseDouble(parameter.substring(2));
                        } catch (NumberFormatException e) {
                            quality = 0;
                        }
                    }
                }
                if (quality > 0) {
                    found.add(new Weighted(Locale.forLanguageTag(tag), quality, found.size()));
                }
            }
        }
        found.sort(Comparator.comparingDouble(Weighted::quality).reversed().thenComparingInt(Weighted::order));
        List<Locale> locales = new ArrayList<>(found.size());
        found.forEach(w -> locales.add(w.locale()));
        return locales;
    }
}
