package dev.minihttp.boot;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A process of its own holding many open, idle WebSocket connections (raw handshakes to
 * {@code /echo}): the clients' sockets do not count against the server JVM's open-file limit
 * (20,000 here, and not raisable), so 10,000 sessions fit. Prints {@code open N failed M} once
 * the handshakes are done; then, per line on standard input, {@code echo} sends a text message on
 * the last session and prints what came back; end of input closes everything.
 *
 * <p>Arguments: port, session count.
 */
public final class IdleWebSocketClients {

    private IdleWebSocketClients() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        ExecutorService openers = Executors.newFixedThreadPool(8);
        for (int i = 0; i < count; i++) {
            openers.execute(() -> {
                try {
                    sockets.add(open(port));
                } catch (IOException e) {
                    if (failed.incrementAndGet() == 1) {
                        System.err.println("first failed handshake: " + e);
                    }
                }
            });
        }
        openers.shutdown();
        openers.awaitTermination(10, TimeUnit.MINUTES);
        System.out.println("open " + sockets.size() + " failed " + failed.get());
        System.out.flush();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String command;
        while ((command = commands.readLine()) != null) {
            if (command.equals("echo")) {
                System.out.println("echo " + echo(sockets.get(sockets.size() - 1), "still here"));
                System.out.flush();
            }
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private static Socket open(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        try {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                    + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String head = WebSocketProtocolTest.readHead(socket.getInputStream());
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("handshake refused: " + head.lines().findFirst().orElse(""));
            }
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static String echo(Socket socket, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {1, 2, 3, 4};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        socket.getOutputStream().write(frame);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int first = in.readUnsignedByte();
        byte[] answer = new byte[in.readUnsignedByte()];
        in.readFully(answer);
        return Integer.toHexString(first) + " " + new String(answer, StandardCharsets.UTF_8);
    }
}
