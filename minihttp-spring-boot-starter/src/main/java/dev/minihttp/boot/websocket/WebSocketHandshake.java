package dev.minihttp.boot.websocket;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.glassfish.tyrus.core.RequestContext;
import org.glassfish.tyrus.core.TyrusUpgradeResponse;
import org.glassfish.tyrus.core.TyrusWebSocketEngine;
import org.glassfish.tyrus.core.Utils;
import org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * One opening handshake (RFC 6455 4.2): Tyrus's engine checks the request against its endpoints
 * and writes the answer; on success the Servlet request is upgraded, so the 101 goes out when the
 * dispatch returns and the connection then belongs to Tyrus.
 */
final class WebSocketHandshake {

    enum Outcome { UPGRADED, REFUSED, NOT_APPLICABLE }

    private WebSocketHandshake() {
    }

    /**
     * @param requestUri the path the engine matches its endpoints against
     * @param container  the limits and the counts
     */
    static Outcome run(TyrusWebSocketEngine engine, HttpServletRequest request, HttpServletResponse response,
                       String requestUri, MiniHttpServerContainer container) throws IOException, jakarta.servlet.ServletException {
        RequestContext context = RequestContext.Builder.create()
                .requestURI(URI.create(requestUri))
                .queryString(request.getQueryString())
                .httpSession(request.getSession(false))
                .secure(request.isSecure())
                .userPrincipal(request.getUserPrincipal())
                .isUserInRoleDelegate(request::isUserInRole)
                .parameterMap(request.getParameterMap())
                .remoteAddr(request.getRemoteAddr())
                .serverAddr(request.getLocalAddr())
                .serverPort(request.getLocalPort())
                .tyrusProperties(Collections.emptyMap())
                .build();
        Map<String, List<String>> headers = context.getHeaders();
        for (String name : Collections.list(request.getHeaderNames())) {
            boolean extensions = name.equalsIgnoreCase("Sec-WebSocket-Extensions");
            for (String value : Collections.list(request.getHeaders(name))) {
                List<String> values = Utils.parseHeaderValue(value.trim());
                if (extensions) {
                    // An offer we cannot honour is left out, so that Tyrus negotiates the next one (or none).
                    values = values.stream().filter(container::offerAcceptable).toList();
                }
                headers.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(values);
            }
        }
        TyrusUpgradeResponse answer = new TyrusUpgradeResponse();
        WebSocketEngine.UpgradeInfo upgrade = engine.upgrade(context, answer);
        switch (upgrade.getStatus()) {
            case NOT_APPLICABLE:
                return Outcome.NOT_APPLICABLE;
            case HANDSHAKE_FAILED:
                copyHeaders(answer, response);
                response.sendError(answer.getStatus());
                return Outcome.REFUSED;
            default:
                break;
        }
        WebSocketUpgradeHandler handler = request.upgrade(WebSocketUpgradeHandler.class);
        TyrusHttpUpgradeHandler tyrus = new TyrusHttpUpgradeHandler();
        tyrus.setIncomingBufferSize(container.incomingBufferSize());
        ServletFrameWriter writer = new ServletFrameWriter();
        tyrus.preInit(handler.keepingConnection(upgrade), writer, request.getUserPrincipal() != null);
        handler.prepare(tyrus, writer, container.maxMessageSize(), container.stats(), container.idlePings());
        response.setStatus(answer.getStatus());
        copyHeaders(answer, response);
        return Outcome.UPGRADED;
    }

    private static void copyHeaders(TyrusUpgradeResponse answer, HttpServletResponse response) {
        for (Map.Entry<String, List<String>> header : answer.getHeaders().entrySet()) {
            response.setHeader(header.getKey(), Utils.getHeaderFromList(header.getValue()));
        }
    }
}
