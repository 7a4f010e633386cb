import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * WebSocket load for bench/websocket-servers.sh, JDK only (run as {@code java bench/WsBench.java}):
 *
 *   echo HOST PORT PATH CONNECTIONS WARMUP_S SECONDS SIZE  closed loop: each connection sends a
 *        SIZE-byte text message and waits for its echo, again and again; prints
 *        messages_per_second (echoes received per second after the warm-up) and errors
 *   idle HOST PORT PATH CONNECTIONS                        opens the sessions (8 at a time),
 *        prints "ready N failed M", holds them until standard input ends, then closes them
 *
 * Raw RFC 6455 frames over blocking sockets: no client library in the measurement.
 */
public final class WsBench {

    public static void main(String[] args) throws Exception {
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        String path = args[3];
        int connections = Integer.parseInt(args[4]);
        if (args[0].equals("echo")) {
            echo(host, port, path, connections, Integer.parseInt(args[5]), Integer.parseInt(args[6]), Integer.parseInt(args[7]));
        } else {
            idle(host, port, path, connections);
        }
    }

    static Socket open(String host, int port, String path) throws IOException {
        Socket socket = new Socket(host, port);
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(120_000);
            byte[] key = new byte[16];
            java.util.concurrent.ThreadLocalRandom.current().nextBytes(key);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed in the handshake: " + head);
                }
                head.append((char) b);
            }
            if (!head.toString().startsWith("HTTP/1.1 101")) {
                throw new IOException("refused: " + head.toString().lines().findFirst().orElse(""));
            }
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    static byte[] maskedText(byte[] payload) {
        int header = payload.length < 126 ? 2 : 4;
        byte[] frame = new byte[header + 4 + payload.length];
        frame[0] = (byte) 0x81;
        if (payload.length < 126) {
            frame[1] = (byte) (0x80 | payload.length);
        } else {
            frame[1] = (byte) (0x80 | 126);
            frame[2] = (byte) (payload.length >>> 8);
            frame[3] = (byte) payload.length;
        }
        byte[] mask = {0x12, 0x34, 0x56, 0x78};
        System.arraycopy(mask, 0, frame, header, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[header + 4 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    /** Reads one server frame; returns its opcode. */
    static int readFrame(DataInputStream in, byte[] scratch) throws IOException {
        int first = in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = (int) in.readLong();
        }
        int left = length;
        while (left > 0) {
            int n = in.read(scratch, 0, Math.min(scratch.length, left));
            if (n < 0) {
                throw new IOException("closed inside a frame");
            }
            left -= n;
        }
        return first & 0x0F;
    }

    static void echo(String host, int port, String path, int connections, int warmup, int seconds, int size) throws Exception {
        byte[] payload = new byte[size];
        java.util.Arrays.fill(payload, (byte) 'x');
        byte[] frame = maskedText(payload);
        AtomicLong received = new AtomicLong();
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + seconds);
        CountDownLatch done = new CountDownLatch(connections);
        for (int i = 0; i < connections; i++) {
            Thread thread = new Thread(() -> {
                try (Socket socket = open(host, port, path)) {
                    OutputStream out = socket.getOutputStream();
                    DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
                    byte[] scratch = new byte[8192];
                    while (System.nanoTime() < end) {
                        out.write(frame);
                        int opcode;
                        while ((opcode = readFrame(in, scratch)) != 1) {
                            if (opcode == 8) {
                                throw new IOException("closed by the server");
                            }
                        }
                        received.incrementAndGet();
                    }
                } catch (IOException e) {
                    if (errors.incrementAndGet() == 1) {
                        System.err.println("first error: " + e);
                    }
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
        long before = received.get();
        long start = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long count = received.get() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("messages_per_second=%.0f%n", count / elapsed);
        done.await(60, TimeUnit.SECONDS);
        System.out.println("errors=" + errors.get());
    }

    static void idle(String host, int port, String path, int connections) throws Exception {
        List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failed = new AtomicInteger();
        ExecutorService openers = Executors.newFixedThreadPool(8);
        for (int i = 0; i < connections; i++) {
            openers.execute(() -> {
                try {
                    sockets.add(open(host, port, path));
                } catch (IOException e) {
                    if (failed.incrementAndGet() == 1) {
                        System.err.println("first failed handshake: " + e);
                    }
                }
            });
        }
        openers.shutdown();
        openers.awaitTermination(30, TimeUnit.MINUTES);
        System.out.println("ready " + sockets.size() + " failed " + failed.get());
        System.out.flush();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (stdin.readLine() != null) {
            // hold
        }
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
