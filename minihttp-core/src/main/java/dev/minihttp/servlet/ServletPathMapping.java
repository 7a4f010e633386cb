package dev.minihttp.servlet;

import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.MappingMatch;

/** How a request path was matched to a servlet, as {@link HttpServletMapping} reports it. */
record ServletPathMapping(String matchValue, String pattern, String servletName, MappingMatch mappingMatch)
        implements HttpServletMapping {

    @Override
    public String getMatchValue() {
        return matchValue;
    }

    @Override
    public String getPattern() {
        return pattern;
    }

    @Override
    public String getServletName() {
        return servletName;
    }

    @Override
    public MappingMatch getMappingMatch() {
        return mappingMatch;
    }
}
