/**
 * Jakarta WebSocket on minihttp: Eclipse Tyrus over the container's Servlet HTTP Upgrade. The
 * {@link dev.minihttp.boot.websocket.MiniHttpServerContainer} is the
 * {@code jakarta.websocket.server.ServerContainer} servlet context attribute that Spring WebSocket
 * looks up; {@link dev.minihttp.boot.websocket.TyrusWebSockets} puts it in place at startup.
 */
package dev.minihttp.boot.websocket;
