package dev.minihttp.boot.websocket;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler;

/**
 * What {@code HttpServletRequest.upgrade} creates for a WebSocket: Tyrus's own upgrade handler
 * (frame parsing in its {@code onDataAvailable}, on a worker when bytes came), handed our frame
 * writer first so that an endpoint may send from {@code onOpen}, and reading through a
 * {@link FrameGuard}. Counts the session's close code when it ends.
 */
public final class WebSocketUpgradeHandler implements HttpUpgradeHandler {

    private TyrusHttpUpgradeHandler tyrus;
    private ServletFrameWriter writer;
    private FrameGuard guard;
    private WebSocketStats stats;
    private volatile WebConnection connection;

    /** Called by the container's {@code upgrade}; {@link #prepare} follows before the 101 is out. */
    public WebSocketUpgradeHandler() {
    }

    void prepare(TyrusHttpUpgradeHandler tyrusHandler, ServletFrameWriter frameWriter, long maxFrameSize,
                 WebSocketStats webSocketStats) {
        this.tyrus = tyrusHandler;
        this.writer = frameWriter;
        this.guard = new FrameGuard(maxFrameSize);
        this.stats = webSocketStats;
    }

    @Override
    public void init(WebConnection webConnection) {
        connection = webConnection;
        try {
            writer.connected(webConnection);
            GuardedInput input = new GuardedInput(webConnection.getInputStream(), guard, this::refuse);
            tyrus.init(new WebConnection() {
                @Override
                public ServletInputStream getInputStream() {
                    return input;
                }

                @Override
                public ServletOutputStream getOutputStream() throws IOException {
                    return webConnection.getOutputStream();
                }

                @Override
                public void close() throws Exception {
                    webConnection.close();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A rule Tyrus does not check was broken: our close frame, then the connection ends. */
    private void refuse(int code) {
        writer.write(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0x88, 2, (byte) (code >>> 8), (byte) code}), null);
        try {
            connection.close();
        } catch (Exception ignored) {
            // the connection is going anyway
        }
    }

    @Override
    public void destroy() {
        try {
            tyrus.destroy();
        } finally {
            if (stats != null) {
                int code = writer.closeCodeSent();
                stats.closed(code < 0 ? 1006 : code); // 1006: ended without a close frame from us
            }
        }
    }
}
