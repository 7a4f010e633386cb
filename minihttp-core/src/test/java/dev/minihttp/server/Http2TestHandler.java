package dev.minihttp.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler of the raw HTTP/2 tests: counts its calls, answers {@code METHOD path bodyLength},
 * {@code /hold} waits for {@link #release}, {@code /big/N} sends N random bytes (seeded by N), and
 * what its writes threw is kept for the test to see.
 */
final class Http2TestHandler implements Handler {

    final AtomicInteger calls = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    /** What the handler's writes threw (an IOException when the stream or connection is gone). */
    final List<Throwable> writeFailures = new CopyOnWriteArrayList<>();

    static byte[] big(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        calls.incrementAndGet();
        byte[] body = request.body().readAllBytes();
        String path = request.path();
        if (path.equals("/hold") && !release.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released /hold");
        }
        try {
            if (path.startsWith("/big/")) {
                response.header("Content-Type", "application/octet-stream");
                response.body().write(big(Integer.parseInt(path.substring(5))));
                response.body().flush();
                return;
            }
            if (path.equals("/trailers")) {
                response.trailers(() -> {
                    dev.minihttp.http.HttpHeaders trailers = new dev.minihttp.http.HttpHeaders(1);
                    trailers.add("X-Checksum", "42");
                    return trailers;
                });
                response.body().write("with trailers".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.startsWith("/content-type/")) {
                response.header("Content-Type", "text/x-" + path.substring(14)); // indexed by the encoder
                if (request.header("x-bad") != null) {
                    response.header("X-Bad", "\u20ac"); // not ISO-8859-1: no field can carry it
                }
                response.body().write("typed".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals("/no-content")) {
                response.status(204);
                return;
            }
            String big = request.header("x-big");
            String text = request.method() + " " + path + " " + body.length + (big == null ? "" : " x-big=" + big.length());
            response.header("Content-Type", "text/plain");
            response.body().write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException | Error e) {
            writeFailures.add(e);
            throw e;
        }
    }
}
