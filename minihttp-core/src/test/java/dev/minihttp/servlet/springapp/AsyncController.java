package dev.minihttp.servlet.springapp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

@RestController
public class AsyncController {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "test-completer");
        thread.setDaemon(true);
        return thread;
    });
    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();

    @GetMapping("/api/deferred")
    public DeferredResult<String> deferred() {
        DeferredResult<String> result = new DeferredResult<>();
        scheduler.schedule(() -> result.setResult("deferred done on " + Thread.currentThread().getName()),
                50, TimeUnit.MILLISECONDS);
        return result;
    }

    @GetMapping("/api/callable")
    public Callable<String> callable() {
        return () -> "callable done on " + Thread.currentThread().getName();
    }

    @GetMapping(path = "/api/sse", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public SseEmitter sse() throws IOException {
        SseEmitter emitter = new SseEmitter(30_000L);
        emitter.send(SseEmitter.event().name("hello").data("first"));
        emitters.add(emitter);
        emitter.onCompletion(() -> emitters.remove(emitter));
        return emitter;
    }

    /** Sends an event to every open stream; "end" completes them. */
    @GetMapping("/api/sse/push")
    public String push(@org.springframework.web.bind.annotation.RequestParam String data) throws IOException {
        int sent = 0;
        for (SseEmitter emitter : emitters) {
            if (data.equals("end")) {
                emitter.complete();
            } else {
                emitter.send(SseEmitter.event().name("tick").data(data));
            }
            sent++;
        }
        return "sent to " + sent;
    }

    @GetMapping("/api/sse/open")
    public String open() {
        return Integer.toString(emitters.size());
    }

    @GetMapping(path = "/api/stream", produces = "text/plain")
    public StreamingResponseBody stream() {
        return out -> {
            for (int i = 0; i < 5; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        };
    }
}
