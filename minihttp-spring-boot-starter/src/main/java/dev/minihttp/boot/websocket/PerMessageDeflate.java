package dev.minihttp.boot.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.glassfish.tyrus.core.TyrusExtension;
import org.glassfish.tyrus.core.extension.ExtendedExtension;
import org.glassfish.tyrus.core.frame.Frame;

/**
 * {@code permessage-deflate} (RFC 7692), negotiated when the client offers it, as Tomcat and Jetty
 * do. Ours rather than Tyrus's {@code tyrus-extension-deflate} 2.2.0, which inflates a frame with no
 * bound (a small compressed frame can become gigabytes before any message-size check), ignores the
 * offer's parameters (accepting {@code server_no_context_takeover} without honouring it), sets RSV1
 * on continuation frames, inflates continuation frames of uncompressed messages, and hands the
 * still-compressed frame on when inflating fails.
 *
 * <p>Offers this cannot honour are dropped from the handshake beforehand ({@link #acceptable}):
 * the JDK's {@link Deflater} has one window size, 2^15, so an offer asking for a smaller server
 * window is declined (as Tomcat does), and one with an unknown parameter too. A client window of
 * any size is fine: the inflater reads every window up to 2^15.
 *
 * <p>A message that inflates past the message size limit is answered with close code 1009. The
 * deflater and inflater are made when first needed (the first message each way), so an idle
 * session that negotiated compression holds no zlib memory until it speaks.
 */
final class PerMessageDeflate implements ExtendedExtension {

    static final String NAME = "permessage-deflate";
    private static final String STATE = PerMessageDeflate.class.getName();
    private static final byte[] TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
    private static final byte CONTINUATION = 0x0;
    private static final byte CLOSE = 0x8;
    private static final byte PONG = 0xA;

    private final int maxMessageSize;

    /** @param maxMessageSize the largest inflated message; a larger one closes the session with 1009 */
    PerMessageDeflate(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    /**
     * Whether one offer from a {@code Sec-WebSocket-Extensions} header (its name and parameters,
     * as {@code permessage-deflate; client_max_window_bits}) can be accepted as it is.
     */
    static boolean acceptable(String offer) {
        String[] parts = offer.split(";");
        if (!parts[0].trim().equalsIgnoreCase(NAME)) {
            return true; // not ours to judge
        }
        List<String> seen = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).trim().toLowerCase(Locale.ROOT);
            String value = equals < 0 ? null : unquote(parameter.substring(equals + 1).trim());
            if (seen.contains(name)) {
                return false; // RFC 7692 7: the same parameter twice makes the offer invalid
            }
            seen.add(name);
            switch (name) {
                case "server_no_context_takeover", "client_no_context_takeover" -> {
                    if (value != null) {
                        return false;
                    }
                }
                case "server_max_window_bits" -> {
                    if (!"15".equals(value)) {
                        return false; // the JDK's deflater writes with a 2^15 window only
                    }
                }
                case "client_max_window_bits" -> {
                    if (value != null && !windowBits(value)) {
                        return false;
                    }
                }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean windowBits(String value) {
        try {
            int bits = Integer.parseInt(value);
            return bits >= 8 && bits <= 15 && value.equals(Integer.toString(bits));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    // ---- negotiation (the handshake, through Tyrus's engine) ---------------------------------

    @Override
    public List<Parameter> onExtensionNegotiation(ExtensionContext context, List<Parameter> requested) {
        boolean serverNoContextTakeover = false;
        boolean clientNoContextTakeover = false;
        for (Parameter parameter : requested) {
            String name = parameter.getName().toLowerCase(Locale.ROOT);
            if (name.equals("server_no_context_takeover")) {
                serverNoContextTakeover = true;
            } else if (name.equals("client_no_context_takeover")) {
                clientNoContextTakeover = true;
            }
        }
        context.getProperties().put(STATE, new State(serverNoContextTakeover, clientNoContextTakeover));
        List<Parameter> response = new ArrayList<>();
        if (serverNoContextTakeover) {
            response.add(new TyrusExtension.TyrusParameter("server_no_context_takeover", null));
        }
        if (clientNoContextTakeover) {
            response.add(new TyrusExtension.TyrusParameter("client_no_context_takeover", null));
        }
        return response;
    }

    @Override
    public void onHandshakeResponse(ExtensionContext context, List<Parameter> responseParameters) {
        // the client side's callback: minihttp is a server only
    }

    @Override
    public void destroy(ExtensionContext context) {
        Object state = context.getProperties().remove(STATE);
        if (state instanceof State s) {
            s.end();
        }
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public List<Parameter> getParameters() {
        return List.of();
    }

    // ---- frames ------------------------------------------------------------------------------

    @Override
    public Frame processIncoming(ExtensionContext context, Frame frame) {
        State state = (State) context.getProperties().get(STATE);
        if (state == null || frame.isControlFrame()) {
            return frame;
        }
        return state.inflate(frame);
    }

    @Override
    public Frame processOutgoing(ExtensionContext context, Frame frame) {
        State state = (State) context.getProperties().get(STATE);
        if (state == null || frame.isControlFrame()) {
            return frame;
        }
        return state.deflate(frame);
    }

    /** One session's compression state; incoming frames come from one thread at a time, outgoing ones from any. */
    private final class State {
        private final boolean serverNoContextTakeover;
        private final boolean clientNoContextTakeover;
        private final Object inflating = new Object();
        private final Object deflating = new Object();
        // guarded by inflating
        private Inflater inflater;
        private boolean compressedMessage;
        private long messageSize;
        private boolean refused;
        // guarded by deflating
        private Deflater deflater;
        private boolean outgoingMessage;
        private volatile boolean ended;

        State(boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
            this.serverNoContextTakeover = serverNoContextTakeover;
            this.clientNoContextTakeover = clientNoContextTakeover;
        }

        Frame inflate(Frame frame) {
            synchronized (inflating) {
                if (refused) {
                    return pong(); // the session is closing: what follows the refused frame is not read
                }
                if (frame.getOpcode() != CONTINUATION) {
                    compressedMessage = frame.isRsv1();
                    messageSize = 0;
                } else if (frame.isRsv1()) {
                    return tooBad(1002, "RSV1 on a continuation frame");
                }
                if (!compressedMessage) {
                    return frame;
                }
                if (ended) {
                    return tooBad(1011, "Session closed");
                }
                if (inflater == null) {
                    inflater = new Inflater(true);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxMessageSize, 4 * (int) frame.getPayloadLength() + 64));
                byte[] chunk = new byte[8192];
                try {
                    if (!inflateInto(frame.getPayloadData(), (int) frame.getPayloadLength(), out, chunk)) {
                        return tooBad(1009, "Message too big");
                    }
                    if (frame.isFin() && !inflateInto(TAIL, TAIL.length, out, chunk)) {
                        return tooBad(1009, "Message too big");
                    }
                } catch (DataFormatException e) {
                    return tooBad(1007, "Invalid compressed data");
                }
                if (frame.isFin() && (clientNoContextTakeover || inflater.finished())) {
                    // A final deflate block ends the stream: the next message starts a new one.
                    inflater.reset();
                }
                return Frame.builder(frame).rsv1(false).payloadData(out.toByteArray()).build();
            }
        }

        /** Inflates into out while the message stays within the limit; false once it would not. Under inflating. */
        private boolean inflateInto(byte[] data, int length, ByteArrayOutputStream out, byte[] chunk) throws DataFormatException {
            inflater.setInput(data, 0, length);
            while (true) {
                int n = inflater.inflate(chunk);
                if (n == 0) {
                    if (inflater.needsInput() || inflater.needsDictionary() || inflater.finished()) {
                        break;
                    }
                    continue;
                }
                messageSize += n;
                if (messageSize > maxMessageSize) {
                    return false;
                }
                out.write(chunk, 0, n);
            }
            return true;
        }

        /**
         * Tyrus ignores what an extension throws, so the refusal is handed on as the client's close
         * frame with the code: Tyrus answers it with the same code, tells the endpoint, and closes.
         */
        private Frame tooBad(int code, String reason) {
            refused = true;
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >>> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            return Frame.builder().fin(true).opcode(CLOSE).payloadData(payload).build();
        }

        private Frame pong() {
            return Frame.builder().fin(true).opcode(PONG).payloadData(new byte[0]).build();
        }

        Frame deflate(Frame frame) {
            synchronized (deflating) {
                if (ended) {
                    return frame;
                }
                boolean first = !outgoingMessage;
                if (deflater == null) {
                    deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
                }
                deflater.setInput(frame.getPayloadData(), 0, (int) frame.getPayloadLength());
                ByteArrayOutputStream out = new ByteArrayOutputStream((int) frame.getPayloadLength() / 2 + 64);
                byte[] chunk = new byte[8192];
                int n;
                do {
                    n = deflater.deflate(chunk, 0, chunk.length, Deflater.SYNC_FLUSH);
                    out.write(chunk, 0, n);
                } while (n == chunk.length);
                byte[] compressed = out.toByteArray();
                int length = compressed.length;
                outgoingMessage = !frame.isFin();
                if (frame.isFin()) {
                    // RFC 7692 7.2.1: the message's last four octets (the empty stored block of the flush) are left out.
                    if (length >= 4 && compressed[length - 4] == 0 && compressed[length - 3] == 0
                            && compressed[length - 2] == (byte) 0xFF && compressed[length - 1] == (byte) 0xFF) {
                        length -= 4;
                    }
                    if (serverNoContextTakeover) {
                        deflater.reset();
                    }
                }
                byte[] payload = length == compressed.length ? compressed : java.util.Arrays.copyOf(compressed, length);
                // RSV1 marks the first frame of a compressed message only.
                return Frame.builder(frame).rsv1(first).payloadData(payload).build();
            }
        }

        void end() {
            synchronized (deflating) {
                ended = true;
                if (deflater != null) {
                    deflater.end();
                    deflater = null;
                }
            }
            synchronized (inflating) {
                if (inflater != null) {
                    inflater.end();
                    inflater = null;
                }
            }
        }
    }

}
