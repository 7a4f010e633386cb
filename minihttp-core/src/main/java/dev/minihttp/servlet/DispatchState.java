package dev.minihttp.servlet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletMapping;
import java.util.List;
import java.util.Map;

/**
 * What a dispatch changes on the request: its type, the paths the servlet sees, and the
 * parameters (a forward's query string adds values ahead of the original ones). Saved before a
 * forward, include, error or async dispatch and restored after it.
 *
 * @param path decoded path within the context that was mapped (servlet path + path info)
 * @param parameters the parameter overlay of this dispatch, or null to use the request's own
 */
record DispatchState(DispatcherType type, String requestURI, String servletPath, String pathInfo,
                     String queryString, HttpServletMapping mapping, String path,
                     Map<String, List<String>> parameters) {
}
