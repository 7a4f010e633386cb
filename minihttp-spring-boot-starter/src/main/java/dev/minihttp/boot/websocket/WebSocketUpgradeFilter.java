package dev.minihttp.boot.websocket;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Opening handshakes for the endpoints added to the {@link MiniHttpServerContainer}
 * ({@code @ServerEndpoint} classes): a request with {@code Sec-WebSocket-Key} on one of their
 * paths is upgraded here; every other request goes on down the chain (Spring's own WebSocket
 * handlers upgrade from inside the DispatcherServlet).
 */
final class WebSocketUpgradeFilter implements Filter {

    private final MiniHttpServerContainer container;

    WebSocketUpgradeFilter(MiniHttpServerContainer container) {
        this.container = container;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse httpResponse
                && http.getHeader("Sec-WebSocket-Key") != null) {
            WebSocketHandshake.Outcome outcome = WebSocketHandshake.run(container.sharedEngine(), http, httpResponse,
                    http.getRequestURI(), container);
            if (outcome != WebSocketHandshake.Outcome.NOT_APPLICABLE) {
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
