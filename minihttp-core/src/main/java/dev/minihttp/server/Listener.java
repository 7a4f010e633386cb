package dev.minihttp.server;

import dev.minihttp.tls.TlsChannel;
import dev.minihttp.tls.TlsOptions;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One bound listening socket of a server and what its connections speak. Its TLS options can be
 * replaced while it runs ({@link #updateTls}): each new connection reads them once, so open
 * connections keep the key material they were accepted with.
 */
final class Listener {

    private final ListenerOptions options;
    private final ServerSocketChannel channel;
    private final int port;
    private final TlsChannel.Events tlsEvents;
    /** Where TLS handshakes' delegated tasks run (null: on the I/O thread). */
    private final Executor handshakeTasks;
    private volatile TlsOptions tls;

    private Listener(ListenerOptions options, ServerSocketChannel channel, int port, TlsChannel.Events tlsEvents,
            Executor handshakeTasks) {
        this.options = options;
        this.channel = channel;
        this.port = port;
        this.tlsEvents = tlsEvents;
        this.handshakeTasks = handshakeTasks;
        this.tls = options.tls();
    }

    /**
     * Binds the listener's address. A port that is taken throws a {@link BindException} whose
     * message names the port and the listener, so the caller's report says which one clashed.
     */
    static Listener bind(ListenerOptions options, int backlog, TlsChannel.Events tlsEvents, Executor handshakeTasks)
            throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(options.host(), options.port()), backlog);
        } catch (BindException e) {
            channel.close();
            BindException named = new BindException(e.getMessage() + ": port " + options.port()
                    + " (listener '" + options.name() + "')");
            named.initCause(e);
            throw named;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        int bound = ((InetSocketAddress) channel.getLocalAddress()).getPort();
        return new Listener(options, channel, bound, tlsEvents, handshakeTasks);
    }

    ServerSocketChannel channel() {
        return channel;
    }

    String name() {
        return options.name();
    }

    int port() {
        return port;
    }

    /** The options with the port actually bound. */
    ListenerOptions bound() {
        return new ListenerOptions(options.name(), options.host(), port, tls);
    }

    boolean isSecure() {
        return options.isSecure();
    }

    void updateTls(TlsOptions replacement) {
        if (!isSecure()) {
            throw new IllegalArgumentException("listener '" + name() + "' does not speak TLS");
        }
        tls = Objects.requireNonNull(replacement, "tls");
    }

    /** The transport for a connection accepted on this listener. */
    Transport transportFor(SocketChannel socket) {
        TlsOptions current = tls;
        return current == null ? new PlainTransport(socket)
                : new TlsTransport(socket, new TlsChannel(socket, current, tlsEvents, handshakeTasks));
    }
}
