package dev.minihttp.servlet;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;

/**
 * A minimal default servlet: serves the context's resources (document root, then
 * {@code META-INF/resources} on the classpath) for GET and HEAD, with the context's MIME type and
 * Last-Modified / If-Modified-Since. No directory listings. Not registered unless asked for
 * ({@link ServletContainer#registerDefaultServlet}), as Spring Boot leaves it off by default.
 */
public class StaticResourceServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.isEmpty() || path.endsWith("/") || path.startsWith("/WEB-INF") || path.startsWith("/META-INF")) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        URL resource = getServletContext().getResource(path);
        if (resource == null || (resource.getProtocol().equals("file") && new java.io.File(resource.getPath()).isDirectory())) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        URLConnection connection = resource.openConnection();
        long lastModified = connection.getLastModified() / 1000 * 1000;
        long since = ifModifiedSince(request);
        if (lastModified > 0 && since >= lastModified) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        String type = getServletContext().getMimeType(path);
        response.setContentType(type != null ? type : "application/octet-stream");
        if (lastModified > 0) {
            response.setDateHeader("Last-Modified", lastModified);
        }
        long length = connection.getContentLengthLong();
        if (length >= 0) {
            response.setContentLengthLong(length);
        }
        try (InputStream in = connection.getInputStream()) {
            in.transferTo(response.getOutputStream());
        }
    }

    // RFC 9110 13.1.3: a value that is not an HTTP-date is ignored, not an error.
    private static long ifModifiedSince(HttpServletRequest request) {
        try {
            return request.getDateHeader("If-Modified-Since");
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
