package dev.minihttp.servlet;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Runs the filters of one dispatch and then the servlet. While a filter or servlet that does not
 * support async runs, {@code startAsync} is refused (the request's async-supported flag follows
 * the chain position).
 */
final class MiniFilterChain implements FilterChain {

    private final List<FilterHolder> filters;
    private final ServletHolder servlet;
    private final MiniHttpServletRequest baseRequest;
    private int position;

    MiniFilterChain(List<FilterHolder> filters, ServletHolder servlet, MiniHttpServletRequest baseRequest) {
        this.filters = filters;
        this.servlet = servlet;
        this.baseRequest = baseRequest;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
        boolean asyncBefore = baseRequest.isAsyncSupported();
        try {
            if (position < filters.size()) {
                FilterHolder holder = filters.get(position++);
                if (!holder.isAsyncSupported()) {
                    baseRequest.asyncSupported(false);
                }
                holder.instance().doFilter(request, response, this);
            } else if (position++ == filters.size()) {
                if (!servlet.isAsyncSupported()) {
                    baseRequest.asyncSupported(false);
                }
                baseRequest.currentServlet(servlet);
                servlet.instance().service(request, response);
            }
        } finally {
            baseRequest.asyncSupported(asyncBefore);
        }
    }
}
