package dev.minihttp.boot;

import org.springframework.boot.web.server.WebServerException;

/**
 * A {@code server.*} feature was asked for that minihttp does not have yet. Thrown rather than
 * ignored: serving plain HTTP/1.1 where TLS was asked for would be a silent security hole.
 */
public class UnsupportedServerFeatureException extends WebServerException {

    private final String property;

    public UnsupportedServerFeatureException(String property, String feature) {
        super(property + " is set, but " + feature + " is not supported yet by minihttp", null);
        this.property = property;
    }

    public String getProperty() {
        return property;
    }
}
