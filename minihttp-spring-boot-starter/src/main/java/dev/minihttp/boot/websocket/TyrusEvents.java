package dev.minihttp.boot.websocket;

import org.glassfish.tyrus.core.frame.TyrusFrame;
import org.glassfish.tyrus.core.monitoring.ApplicationEventListener;
import org.glassfish.tyrus.core.monitoring.EndpointEventListener;
import org.glassfish.tyrus.core.monitoring.MessageEventListener;

/**
 * Tyrus's monitoring callbacks into {@link WebSocketStats}. A message is counted by its first
 * frame (text or binary); continuations, pings and pongs are not messages.
 */
final class TyrusEvents implements ApplicationEventListener, EndpointEventListener, MessageEventListener {

    private final WebSocketStats stats;

    TyrusEvents(WebSocketStats stats) {
        this.stats = stats;
    }

    @Override
    public void onApplicationInitialized(String applicationName) {
    }

    @Override
    public void onApplicationDestroyed() {
    }

    @Override
    public EndpointEventListener onEndpointRegistered(String endpointPath, Class<?> endpointClass) {
        return this;
    }

    @Override
    public void onEndpointUnregistered(String endpointPath) {
    }

    @Override
    public MessageEventListener onSessionOpened(String sessionId) {
        stats.opened();
        return this;
    }

    @Override
    public void onSessionClosed(String sessionId) {
        stats.ended();
    }

    @Override
    public void onError(String sessionId, Throwable t) {
    }

    @Override
    public void onFrameSent(TyrusFrame.FrameType frameType, long payloadLength) {
        if (frameType == TyrusFrame.FrameType.TEXT || frameType == TyrusFrame.FrameType.BINARY) {
            stats.messageOut();
        }
    }

    @Override
    public void onFrameReceived(TyrusFrame.FrameType frameType, long payloadLength) {
        if (frameType == TyrusFrame.FrameType.TEXT || frameType == TyrusFrame.FrameType.BINARY) {
            stats.messageIn();
        }
    }
}
