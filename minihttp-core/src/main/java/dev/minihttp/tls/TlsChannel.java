package dev.minihttp.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * TLS over one non-blocking socket, driven by its owner: the I/O thread calls {@link #read} when
 * the socket is readable and {@link #flush} when it is writable; any thread may call
 * {@link #write} (one at a time: the caller serialises writers). Ciphertext never reaches the
 * caller and plaintext never reaches the socket.
 *
 * <pre>
 *   SNIFFING ──ClientHello──► HANDSHAKING ──Finished──► OPEN ──close──► CLOSED
 *      │ (cleartext HTTP: 400, not TLS)    │ (alert, stall)            ▲
 *      └──────────────────────────────────►┴───────────────────────────┘
 * </pre>
 *
 * <p>SNIFFING reads the ClientHello before any {@code SSLEngine} exists, because the engine's
 * certificate is fixed once it is created: the server name chooses the context. The handshake
 * then runs inside {@link #read}: unwrap what arrived, wrap what the engine wants to send.
 *
 * <p>The engine's delegated tasks (the key exchange and signature of a handshake, a millisecond or
 * two of CPU each; docs/tls.md has the measurement) run on the {@code tasks} executor when there is
 * one, so they do not stall every other connection of the I/O thread: while they run the channel
 * touches neither the socket nor the engine ({@link #awaitingTasks()} is true and {@link #read}
 * returns 0; the owner stops reading), and when they are done the {@code whenTasksDone} callback
 * asks the owner to call {@link #read} again on its own thread. A task that failed left its
 * exception in the engine, which throws it from the next wrap or unwrap: that call is ours, on
 * the owner's thread, so the failure is reported and its alert sent as if the task had run inline.
 *
 * <p>Locking: {@code wrap} and everything that touches the outgoing buffer run under this
 * object's monitor, so the I/O thread's handshake and close writes never interleave with a
 * worker's response; {@code unwrap} runs on the I/O thread alone, which the JDK's engine allows
 * concurrently with a wrap. The incoming and outgoing record buffers (the session's packet size)
 * come from the {@link RecordBufferPool} while ciphertext is in flight and go back as soon as none
 * is: nothing is allocated per record, and an idle connection holds neither.
 */
public final class TlsChannel {

    /** What happens to handshakes, for the server's counters. */
    public interface Events {
        void handshakeSucceeded(SSLSession session);

        /** {@code reason} is a short lower-case word: protocol, cipher, client_certificate, alert_..., timeout... */
        void handshakeFailed(String reason);
    }

    private enum State { SNIFFING, HANDSHAKING, OPEN, CLOSED }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final byte RECORD_HANDSHAKE = 22;
    private static final byte[] CLEARTEXT_REFUSAL = ("HTTP/1.1 400 Bad Request\r\n"
            + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: 42\r\nConnection: close\r\n\r\n"
            + "This port expects HTTPS, not plain HTTP.\r\n").getBytes(StandardCharsets.US_ASCII);

    private final SocketChannel channel;
    private final TlsOptions options;
    private final Events events;
    /** Where delegated tasks run; null runs them inline on the caller's thread. */
    private final Executor tasks;
    private volatile boolean tasksRunning;
    /** Set by the read that handed tasks to the executor, for that read only (the owner's thread). */
    private boolean tasksHandedOut;
    private volatile Runnable whenTasksDone;
    /**
     * Ciphertext read and not yet unwrapped (write mode); null when there is none: the buffer goes
     * back to the {@link RecordBufferPool} between records.
     */
    private ByteBuffer netIn;
    /**
     * Ciphertext not yet taken by the socket, in read mode (position..limit); null when all of it
     * went out (under this object's monitor).
     */
    private ByteBuffer netOut;
    /** The session's packet size, once an engine exists: the least a record buffer must hold. */
    private int packetSize = RecordBufferPool.CAPACITY;
    private volatile State state = State.SNIFFING;
    private SSLEngine engine;
    private boolean tls12;
    private boolean outcomeReported;
    private String failureReason;

    /**
     * @param tasks where the handshake's delegated tasks run, or null to run them inline in
     *              {@link #read}; with an executor, set {@link #whenTasksDone} before the first read
     */
    public TlsChannel(SocketChannel channel, TlsOptions options, Events events, Executor tasks) {
        this.channel = channel;
        this.options = options;
        this.events = events;
        this.tasks = tasks;
    }

    /**
     * What to do when delegated tasks that ran elsewhere are done, called on the executor's thread:
     * the owner schedules a {@link #read} on its own thread (the handshake goes on there).
     */
    public void whenTasksDone(Runnable callback) {
        this.whenTasksDone = callback;
    }

    /** True while delegated tasks run elsewhere: the owner should not wait for the socket to be readable. */
    public boolean awaitingTasks() {
        return tasksRunning;
    }

    /** The negotiated session once the handshake is complete, else null. */
    public SSLSession session() {
        return state == State.OPEN ? engine.getSession() : null;
    }

    public boolean isHandshakeComplete() {
        return state == State.OPEN;
    }

    /** The ALPN protocol agreed on, "" when none was, null before the handshake completes. */
    public String applicationProtocol() {
        return state == State.OPEN ? engine.getApplicationProtocol() : null;
    }

    // ---- reading (the owner's I/O thread) ----------------------------------------------------

    /**
     * Reads what the socket has, advances the handshake, and decrypts into {@code dst} (which must
     * have room for a record's plaintext: 16 KiB). Returns the plaintext bytes added, 0 when none
     * yet, -1 at the end of the stream (the client's close_notify or EOF).
     *
     * @throws SSLException a failed handshake, a bad record, cleartext or garbage on this port; the
     *                      failure is reported to {@link Events} and an alert is on its way
     */
    public int read(ByteBuffer dst) throws IOException {
        if (state == State.CLOSED) {
            return -1;
        }
        if (tasksRunning) {
            return 0; // the engine is the task's until whenTasksDone
        }
        tasksHandedOut = false;
        if (netIn == null) {
            netIn = RecordBufferPool.take(packetSize);
        }
        int read = channel.read(netIn);
        netIn.flip();
        int produced;
        try {
            if (state == State.SNIFFING && !sniff(read < 0)) {
                return read < 0 ? endOfStream() : 0;
            }
            produced = unwrapAvailable(dst);
        } finally {
            netIn.compact();
            if (netIn.position() == 0) {
                RecordBufferPool.give(netIn); // nothing left over: an idle connection holds no buffer
                netIn = null;
            }
        }
        if (tasksHandedOut) {
            // Not a word to the engine until whenTasksDone has run (the tasks may be done already,
            // so tasksRunning cannot tell): a task that fails closes the engine's inbound side, and
            // asking now would take that failure for the client's EOF and lose its reason.
            tasksHandedOut = false;
            return produced;
        }
        if (produced == 0 && (read < 0 || engine.isInboundDone())) {
            return endOfStream();
        }
        return produced;
    }

    private int endOfStream() {
        if (state != State.OPEN) {
            reportFailure("closed");
        }
        return -1;
    }

    /** Reads the ClientHello; true once the engine exists and the handshake can start. */
    private boolean sniff(boolean endOfStream) throws IOException {
        ClientHello hello = ClientHello.read(netIn);
        switch (hello.kind()) {
            case INCOMPLETE -> {
                if (netIn.limit() == netIn.capacity() && !endOfStream) {
                    throw failure("not_tls", new SSLException("ClientHello larger than " + netIn.capacity() + " bytes"));
                }
                return false;
            }
            case CLEARTEXT_HTTP -> {
                // Tomcat and Jetty answer plain HTTP on a TLS port with a cleartext 400 too: the
                // client sees why, instead of a reset. Small enough for any socket buffer.
                channel.write(ByteBuffer.wrap(CLEARTEXT_REFUSAL));
                throw failure("cleartext_http", new SSLException("plain HTTP request on a TLS port"));
            }
            case NOT_TLS -> throw failure("not_tls", new SSLException("not a TLS ClientHello"));
            default -> {
                engine = createEngine(options.certificateFor(hello.serverName()));
                state = State.HANDSHAKING;
                engine.beginHandshake();
                return true;
            }
        }
    }

    private SSLEngine createEngine(ServerNameCertificate certificate) {
        SSLContext context = certificate.context();
        SSLEngine created = context.createSSLEngine();
        created.setUseClientMode(false);
        SSLParameters parameters = created.getSSLParameters();
        parameters.setProtocols(certificate.protocols().isEmpty()
                ? TlsDefaults.PROTOCOLS.toArray(String[]::new) : certificate.protocols().toArray(String[]::new));
        parameters.setCipherSuites(certificate.cipherSuites().isEmpty()
                ? TlsDefaults.cachedCipherSuites(context) : certificate.cipherSuites().toArray(String[]::new));
        parameters.setUseCipherSuitesOrder(true);
        switch (options.clientAuth()) {
            case NEED -> parameters.setNeedClientAuth(true);
            case WANT -> parameters.setWantClientAuth(true);
            default -> { }
        }
        created.setSSLParameters(parameters);
        List<String> offered = options.applicationProtocols();
        if (!offered.isEmpty()) {
            // Ours first, in our order; none in common is no ALPN at all (HTTP/1.1), not a failed
            // handshake: the JDK's default selection would abort it.
            created.setHandshakeApplicationProtocolSelector((sslEngine, clientProtocols) -> {
                for (String protocol : offered) {
                    if (clientProtocols.contains(protocol)) {
                        return protocol;
                    }
                }
                return "";
            });
        }
        packetSize = Math.max(RecordBufferPool.CAPACITY, created.getSession().getPacketBufferSize());
        if (packetSize > netIn.capacity()) {
            netIn = grow(netIn, packetSize);
        }
        return created;
    }

    /** Unwraps every complete record in {@code netIn}, doing the handshake's wraps and tasks as asked. */
    private int unwrapAvailable(ByteBuffer dst) throws IOException {
        int produced = 0;
        while (true) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                if (startDelegatedTasks()) {
                    return produced; // read again once whenTasksDone has run
                }
                continue;
            }
            if (status == HandshakeStatus.NEED_WRAP) {
                if (!wrapHandshake()) {
                    return produced; // the socket is full: flush() continues once it is writable
                }
                if (engine.isOutboundDone()) {
                    return produced;
                }
                continue;
            }
            if (!netIn.hasRemaining() || engine.isInboundDone()) {
                return produced;
            }
            if (state == State.OPEN && tls12 && netIn.get(netIn.position()) == RECORD_HANDSHAKE) {
                // After a TLS 1.2 handshake a client sends handshake records only to renegotiate,
                // which buys it nothing we support and costs the server a handshake. (TLS 1.3 has
                // no renegotiation; its post-handshake messages are handled by the engine.)
                // The connection is dropped without a close_notify: a graceful close would tell the
                // client the session ended normally (testssl.sh reads that as renegotiation allowed).
                failureReason = "renegotiation";
                events.handshakeFailed("renegotiation");
                state = State.CLOSED;
                throw new SSLException("client-initiated renegotiation refused");
            }
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn, dst);
            } catch (SSLException e) {
                throw failure(reasonOf(e), e);
            }
            produced += result.bytesProduced();
            afterEngineStep(result.getHandshakeStatus());
            switch (result.getStatus()) {
                case OK -> {
                    if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                            && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
                        return produced;
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    packetSize = Math.max(packetSize, engine.getSession().getPacketBufferSize());
                    if (netIn.capacity() < packetSize) {
                        netIn = grow(netIn, packetSize);
                    }
                    return produced;
                }
                case BUFFER_OVERFLOW -> {
                    // dst is full; the caller's buffer is several records large, so this is a
                    // caller bug rather than a client's doing.
                    throw new SSLException("read buffer too small for a TLS record: " + dst.remaining());
                }
                case CLOSED -> {
                    closeOutbound();
                    return produced;
                }
            }
        }
    }

    /**
     * Runs the engine's delegated tasks: on the executor (true: they are running, the handshake
     * waits for {@code whenTasksDone}) or inline (false: done, the handshake can go on).
     */
    private boolean startDelegatedTasks() {
        Runnable first = engine.getDelegatedTask();
        if (first == null) {
            return false;
        }
        if (tasks != null) {
            tasksRunning = true;
            try {
                tasks.execute(() -> runTasksThenResume(first));
                tasksHandedOut = true;
                return true;
            } catch (RejectedExecutionException stopping) {
                tasksRunning = false; // the server is stopping: finish this handshake's work here
            }
        }
        first.run();
        runRemainingTasks();
        return false;
    }

    private void runTasksThenResume(Runnable first) {
        try {
            first.run();
            runRemainingTasks();
        } finally {
            // A task's failure stays inside the engine until the owner's next read: nothing is lost here.
            tasksRunning = false;
            Runnable resume = whenTasksDone;
            if (resume != null) {
                resume.run();
            }
        }
    }

    private void runRemainingTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    /** Called after every wrap and unwrap: notices the end of the handshake. */
    private void afterEngineStep(HandshakeStatus status) {
        if (status == HandshakeStatus.FINISHED && state == State.HANDSHAKING) {
            state = State.OPEN;
            SSLSession session = engine.getSession();
            tls12 = !"TLSv1.3".equals(session.getProtocol());
            if (!outcomeReported) {
                outcomeReported = true;
                events.handshakeSucceeded(session);
            }
        }
    }

    // ---- writing (any thread, serialised by the caller; the monitor orders it with the I/O thread) --

    /**
     * Encrypts and sends as much of {@code srcs} as the socket takes. Returns the plaintext bytes
     * consumed; a record the socket only took in part stays buffered here ({@link #hasBufferedOutput})
     * and goes out first on the next {@link #write} or {@link #flush}.
     */
    public synchronized long write(ByteBuffer[] srcs) throws IOException {
        if (state == State.CLOSED || (engine != null && engine.isOutboundDone())) {
            throw new SSLException("TLS connection closed");
        }
        if (!flushNetOut() || state != State.OPEN) {
            return 0;
        }
        long consumed = 0;
        while (hasRemaining(srcs)) {
            SSLEngineResult result = engine.wrap(srcs, outgoing());
            netOut.flip();
            if (result.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS connection closed");
            }
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                // Nothing was produced; the session's packet size grew (it may, once negotiated).
                growOutgoing();
                continue;
            }
            consumed += result.bytesConsumed();
            if (!flushNetOut() || result.bytesConsumed() == 0) {
                break;
            }
        }
        return consumed;
    }

    /** Sends buffered ciphertext; true when none is left. For the I/O thread when the socket is writable. */
    public boolean flush() throws IOException {
        if (!flushOut()) {
            return false;
        }
        // A handshake that stopped on a full socket goes on with its own writes; what it then wants
        // to read may already be buffered (hasBufferedInput): the owner reads it next.
        while (state == State.HANDSHAKING && !tasksRunning) {
            HandshakeStatus status = engine.getHandshakeStatus();
            if (status == HandshakeStatus.NEED_TASK) {
                if (startDelegatedTasks()) {
                    break; // the owner reads again once whenTasksDone has run
                }
            } else if (status == HandshakeStatus.NEED_WRAP) {
                if (!wrapHandshake()) {
                    return false;
                }
            } else {
                break;
            }
        }
        return !hasBufferedOutput();
    }

    private synchronized boolean flushOut() throws IOException {
        return flushNetOut();
    }

    /** Whether ciphertext is waiting to be unwrapped without the socket becoming readable again. */
    public boolean hasBufferedInput() {
        return netIn != null && netIn.position() > 0 && state != State.CLOSED && state != State.SNIFFING;
    }

    public synchronized boolean hasBufferedOutput() {
        return netOut != null && netOut.hasRemaining();
    }

    private boolean wrapHandshake() throws IOException {
        synchronized (this) {
            if (!flushNetOut()) {
                return false;
            }
            SSLEngineResult result;
            try {
                result = engine.wrap(EMPTY, outgoing());
            } catch (SSLException e) {
                netOut.flip();
                throw failure(reasonOf(e), e);
            }
            netOut.flip();
            if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                if (engine.getSession().getPacketBufferSize() <= netOut.capacity()) {
                    throw failure("other", new SSLException("TLS engine cannot wrap into " + netOut.capacity() + " bytes"));
                }
                growOutgoing();
                return true;
            }
            flushNetOut();
            afterEngineStep(result.getHandshakeStatus());
            return true;
        }
    }

    /** Sends what {@code netOut} holds; true when all of it went (and the buffer went back to the pool). */
    private boolean flushNetOut() throws IOException {
        if (netOut == null) {
            return true;
        }
        while (netOut.hasRemaining()) {
            if (channel.write(netOut) == 0) {
                return false;
            }
        }
        RecordBufferPool.give(netOut);
        netOut = null;
        return true;
    }

    /** The outgoing buffer, cleared for a wrap; taken from the pool when none is attached (under the monitor). */
    private ByteBuffer outgoing() {
        if (netOut == null) {
            netOut = RecordBufferPool.take(packetSize);
        }
        return netOut.clear();
    }

    /** After a wrap that did not fit (and produced nothing): the next {@link #outgoing} is the session's packet size. */
    private void growOutgoing() {
        packetSize = Math.max(packetSize, engine.getSession().getPacketBufferSize());
        RecordBufferPool.give(netOut);
        netOut = null;
    }

    // ---- closing -----------------------------------------------------------------------------

    /** Sends close_notify (best effort: it is a few bytes into an emptied socket buffer). */
    public synchronized void closeOutbound() {
        if (engine == null || engine.isOutboundDone()) {
            return;
        }
        engine.closeOutbound();
        try {
            if (!flushNetOut()) {
                return;
            }
            while (!engine.isOutboundDone()) {
                SSLEngineResult result = engine.wrap(EMPTY, outgoing());
                netOut.flip();
                if (!flushNetOut() || result.bytesProduced() == 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // the peer is gone; nothing to tell it
        }
    }

    /**
     * Ends the TLS side (the owner closes the socket). A handshake that never finished is counted
     * with {@code reasonIfUnfinished} (e.g. "timeout"), or "closed".
     */
    public void close(String reasonIfUnfinished) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPEN) {
            closeOutbound();
        } else {
            reportFailure(reasonIfUnfinished != null ? reasonIfUnfinished : "closed");
        }
        state = State.CLOSED;
    }

    private void reportFailure(String reason) {
        if (!outcomeReported) {
            outcomeReported = true;
            failureReason = reason;
            events.handshakeFailed(reason);
        }
    }

    /** Reports the failure, queues the engine's alert for the client, and returns the exception to throw. */
    private SSLException failure(String reason, SSLException cause) {
        reportFailure(reason);
        if (engine != null) {
            closeOutbound();
        }
        state = State.CLOSED;
        return cause;
    }

    /** Why a handshake failed, in a word a dashboard can group by (from the JDK's messages, which are stable). */
    static String reasonOf(SSLException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("no appropriate protocol") || message.contains("protocol_version")
                || message.contains("protocol versions")
                || message.contains("protocol") && message.contains("not enabled")) {
            return "protocol";
        }
        if (message.contains("no cipher suites in common") || message.contains("handshake_failure")
                && message.contains("cipher")) {
            return "cipher";
        }
        if (message.contains("empty client certificate chain") || message.contains("pkix")
                || message.contains("certificate_required") || message.contains("client certificate")) {
            return "client_certificate";
        }
        int alert = message.indexOf("received fatal alert: ");
        if (alert >= 0) {
            return "alert_" + message.substring(alert + "received fatal alert: ".length()).trim().replace(' ', '_');
        }
        if (message.contains("unsupported or unrecognized ssl message") || message.contains("plaintext")) {
            return "not_tls";
        }
        return "other";
    }

    /** Whether a record buffer is attached now: false for a connection with no ciphertext in flight. */
    public synchronized boolean holdsRecordBuffers() {
        return netIn != null || netOut != null;
    }

    /** The reason the handshake or the connection failed, once it did; null otherwise. */
    public String failureReason() {
        return failureReason;
    }

    private static boolean hasRemaining(ByteBuffer[] buffers) {
        for (ByteBuffer buffer : buffers) {
            if (buffer.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** A larger copy of a buffer in read mode (position..limit kept), itself in read mode. */
    private static ByteBuffer grow(ByteBuffer buffer, int capacity) {
        ByteBuffer larger = ByteBuffer.allocate(capacity);
        larger.put(buffer.duplicate());
        larger.flip();
        return larger;
    }
}
