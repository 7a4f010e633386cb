package dev.minihttp.boot.websocket;

import dev.minihttp.servlet.GracefulUpgradeHandler;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.WebConnection;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.glassfish.tyrus.servlet.TyrusHttpUpgradeHandler;
import org.glassfish.tyrus.spi.Connection;
import org.glassfish.tyrus.spi.WebSocketEngine;

/**
 * What {@code HttpServletRequest.upgrade} creates for a WebSocket: Tyrus's own upgrade handler
 * (frame parsing in its {@code onDataAvailable}, on a worker when bytes came), handed our frame
 * writer first so that an endpoint may send from {@code onOpen}, and reading through a
 * {@link FrameGuard}. Counts the session's close code when it ends. At a graceful shutdown the
 * session closes with {@code 1001 Going Away}, as on Tomcat and Jetty: the endpoint's
 * {@code onClose} and the client both see it.
 */
public final class WebSocketUpgradeHandler implements GracefulUpgradeHandler {

    private static final CloseReason GOING_AWAY = new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "Server shutting down");

    private TyrusHttpUpgradeHandler tyrus;
    private ServletFrameWriter writer;
    private FrameGuard guard;
    private WebSocketStats stats;
    private IdlePings pings;
    private volatile GuardedInput input;
    private volatile WebConnection connection;
    /** Tyrus's connection for this session, kept when Tyrus creates it in init: its close speaks the protocol. */
    private volatile Connection session;

    /** Called by the container's {@code upgrade}; {@link #prepare} follows before the 101 is out. */
    public WebSocketUpgradeHandler() {
    }

    /** @param idlePings where the session is pinged when quiet, or null when the ping interval is off */
    void prepare(TyrusHttpUpgradeHandler tyrusHandler, ServletFrameWriter frameWriter, long maxFrameSize,
                 WebSocketStats webSocketStats, IdlePings idlePings) {
        this.tyrus = tyrusHandler;
        this.writer = frameWriter;
        this.guard = new FrameGuard(maxFrameSize);
        this.stats = webSocketStats;
        this.pings = idlePings;
    }

    @Override
    public void init(WebConnection webConnection) {
        connection = webConnection;
        try {
            writer.connected(webConnection);
            GuardedInput guarded = new GuardedInput(webConnection.getInputStream(), guard, this::refuse);
            input = guarded;
            tyrus.init(new WebConnection() {
                @Override
                public ServletInputStream getInputStream() {
                    return guarded;
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
        if (pings != null) {
            pings.add(this);
        }
    }

    /** When a byte last went either way: the ping interval counts from it. */
    long lastTrafficNanos() {
        GuardedInput in = input;
        long written = writer.lastWriteNanos();
        if (in == null) {
            return written;
        }
        long read = in.lastReadNanos();
        return read - written > 0 ? read : written;
    }

    /** A ping frame (server frames are unmasked), unless the session is closing: never after our close frame. */
    void ping(java.nio.ByteBuffer frame) {
        if (writer.closeCodeSent() < 0) {
            writer.write(frame, null);
        }
    }

    /**
     * Tyrus's {@code TyrusHttpUpgradeHandler} keeps its connection private (and its close with a
     * code): this hands it the handshake's outcome so that the connection it creates is ours to close too.
     */
    WebSocketEngine.UpgradeInfo keepingConnection(WebSocketEngine.UpgradeInfo upgrade) {
        return new WebSocketEngine.UpgradeInfo() {
            @Override
            public WebSocketEngine.UpgradeStatus getStatus() {
                return upgrade.getStatus();
            }

            @Override
            public Connection createConnection(org.glassfish.tyrus.spi.Writer writer, Connection.CloseListener listener) {
                Connection created = upgrade.createConnection(writer, listener);
                session = created;
                return created;
            }
        };
    }

    /**
     * Graceful shutdown: Tyrus sends the close frame (1001) and calls the endpoint's
     * {@code onClose}; the engine closes the connection once the frame is out, without waiting
     * for the client's reply.
     */
    @Override
    public void goingAway() {
        Connection tyrusConnection = session;
        if (tyrusConnection != null) {
            tyrusConnection.close(GOING_AWAY);
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
        if (pings != null) {
            pings.remove(this);
        }
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
