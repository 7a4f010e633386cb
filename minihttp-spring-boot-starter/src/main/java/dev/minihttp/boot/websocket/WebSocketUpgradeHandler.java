package dev.minihttp.boot.websocket;

import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler;

/**
 * What {@code HttpServletRequest.upgrade} creates for a WebSocket: Tyrus's own upgrade handler
 * (frame parsing in its {@code onDataAvailable}, on a worker when bytes came), handed our frame
 * writer first so that an endpoint may send from {@code onOpen}.
 */
public final class WebSocketUpgradeHandler implements HttpUpgradeHandler {

    private TyrusHttpUpgradeHandler tyrus;
    private ServletFrameWriter writer;

    /** Called by the container's {@code upgrade}; {@link #prepare} follows before the 101 is out. */
    public WebSocketUpgradeHandler() {
    }

    void prepare(TyrusHttpUpgradeHandler tyrusHandler, ServletFrameWriter frameWriter) {
        this.tyrus = tyrusHandler;
        this.writer = frameWriter;
    }

    @Override
    public void init(WebConnection connection) {
        try {
            writer.connected(connection);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tyrus.init(connection);
    }

    @Override
    public void destroy() {
        tyrus.destroy();
    }
}
