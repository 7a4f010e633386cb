package dev.minihttp.servlet;

import jakarta.servlet.http.HttpServletMapping;

/**
 * The servlet chosen for a path and how the path splits into servlet path and path info.
 *
 * @param pathInfo null when the whole path is the servlet path (exact, extension and default matches)
 */
record ServletMatch(ServletHolder servlet, String servletPath, String pathInfo, HttpServletMapping mapping) {
}
