package dev.minihttp.demo;

import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Endpoints that make the pool's behaviour visible: quick ones, one that holds a worker like a
 * slow database call, one that throws, an upload (buffered whole by the I/O thread before a
 * worker sees it) and an SSE stream (sent from a scheduler thread, so it holds no worker).
 */
@RestController
public class DemoController {

    /** Longest /slow accepts: long enough to saturate the pool by hand, short enough to end. */
    static final int MAX_SLOW_MILLIS = 30_000;
    static final int MAX_SSE_EVENTS = 100;

    private final ScheduledExecutorService scheduler;

    DemoController(ScheduledExecutorService sseScheduler) {
        this.scheduler = sseScheduler;
    }

    public record Greeting(String message) {
    }

    /** One /sse event: the n-th of {@code of}. */
    public record Tick(int n, int of, Instant time) {
    }

    @GetMapping(value = "/hello", produces = MediaType.TEXT_PLAIN_VALUE)
    public String hello() {
        return "Hello, World!";
    }

    @GetMapping("/json")
    public Greeting json() {
        return new Greeting("Hello, World!");
    }

    /** Holds a worker for {@code ms} milliseconds (clamped to 0..30000), like a blocking database call. */
    @GetMapping("/slow")
    public Map<String, Object> slow(@RequestParam(defaultValue = "1000") int ms) throws InterruptedException {
        int millis = Math.max(0, Math.min(ms, MAX_SLOW_MILLIS));
        Thread.sleep(millis);
        return Map.of("sleptMs", millis, "thread", Thread.currentThread().getName());
    }

    /** Always throws: Spring answers with its JSON error body and minihttp counts it against the worker thread. */
    @GetMapping("/fail")
    public String fail() {
        throw new IllegalStateException("/fail failed on purpose");
    }

    /** A multipart upload: the size and SHA-256 of the part named "file". */
    @PostMapping(value = "/upload", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Map<String, Object> upload(@RequestParam("file") MultipartFile file) throws IOException {
        MessageDigest sha256 = sha256();
        long size = 0;
        byte[] buffer = new byte[8192];
        try (InputStream in = new DigestInputStream(file.getInputStream(), sha256)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                size += n;
            }
        }
        return Map.of("filename", String.valueOf(file.getOriginalFilename()), "size", size,
                "sha256", HexFormat.of().formatHex(sha256.digest()));
    }

    /**
     * {@code count} "tick" events (1..100, default 5), one every {@code intervalMs} (10..5000,
     * default 1000). The worker returns at once; the scheduler sends the events.
     */
    @GetMapping("/sse")
    public SseEmitter sse(@RequestParam(defaultValue = "5") int count,
                          @RequestParam(defaultValue = "1000") long intervalMs) {
        int total = Math.max(1, Math.min(count, MAX_SSE_EVENTS));
        long interval = Math.max(10, Math.min(intervalMs, 5000));
        SseEmitter emitter = new SseEmitter(total * interval + 10_000);
        AtomicInteger sent = new AtomicInteger();
        var task = scheduler.scheduleAtFixedRate(() -> {
            int n = sent.incrementAndGet();
            try {
                emitter.send(SseEmitter.event().id(Integer.toString(n)).name("tick")
                        .data(new Tick(n, total, Instant.now()), MediaType.APPLICATION_JSON));
                if (n >= total) {
                    emitter.complete();
                    throw new StopTicking();
                }
            } catch (IOException | IllegalStateException clientGone) {
                emitter.completeWithError(clientGone);
                throw new StopTicking();
            }
        }, 0, interval, TimeUnit.MILLISECONDS);
        emitter.onCompletion(() -> task.cancel(false));
        emitter.onTimeout(() -> task.cancel(false));
        emitter.onError(e -> task.cancel(false));
        return emitter;
    }

    /** Thrown to end a fixed-rate task: the scheduler stops running it, and nothing is logged. */
    private static final class StopTicking extends RuntimeException {
        StopTicking() {
            super(null, null, false, false);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
