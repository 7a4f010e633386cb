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
    /** Whether HTTP/2 is offered: ALPN then lists {@code h2} first. */
    private final boolean http2;

    private Listener(ListenerOptions options, ServerSocketChannel channel, int port, TlsChannel.Events tlsEvents,
            Executor handshakeTasks, boolean http2) {
        this.options = options;
        this.channel = channel;
        this.port = port;
        this.tlsEvents = tlsEvents;
        this.handshakeTasks = handshakeTasks;
        this.http2 = http2;
        this.tls = withAlpn(options.tls());
    }

    /** With HTTP/2 on, {@code h2} is offered first (RFC 9113 3.2), then what the options list, then {@code http/1.1}. */
    private TlsOptions withAlpn(TlsOptions given) {
        if (given == null || !http2) {
            return given;
        }
        java.util.List<String> ids = new java.util.ArrayList<>();
        ids.add("h2");
        for (String id : given.applicationProtocols()) {
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        if (!ids.contains("http/1.1")) {
            ids.add("http/1.1");
        }
        return given.withApplicationProtocols(ids);
    }

    /**
     * Binds the listener's address. A port that is taken throws a {@link BindException} whose
     * message names the port and the listener, so the caller's report says which one clashed.
     */
    static Listener bind(ListenerOptions options, int backlog, TlsChannel.Events tlsEvents, Executor handshakeTasks,
            boolean http2) throws IOException {
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
        return new Listener(options, channel, bound, tlsEvents, handshakeTasks, http2);
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
        tls = withAlpn(Objects.requireNonNull(replacement, "tls"));
    }

    /** The transport for a connection accepted on this listener. */
    Transport transportFor(SocketChannel socket) {
        TlsOptions current = tls;
        return current == null ? new PlainTransport(socket)
                : new TlsTransport(socket, new TlsChannel(socket, current, tlsEvents, handshakeTasks));
    }
}
