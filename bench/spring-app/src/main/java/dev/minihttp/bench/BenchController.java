package dev.minihttp.bench;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The four endpoints of the benchmark's scenarios; plain Spring MVC, nothing server-specific. */
@RestController
public class BenchController {

    /** A small JSON object, serialised by Jackson like any controller's return value. */
    public record Message(String message) {}

    @GetMapping(path = "/plaintext", produces = MediaType.TEXT_PLAIN_VALUE)
    public String plaintext() {
        return "Hello, World!";
    }

    @GetMapping(path = "/json", produces = MediaType.APPLICATION_JSON_VALUE)
    public Message json() {
        return new Message("Hello, World!");
    }

    /** Stands for a blocking call (a database, another service): holds the worker thread for {@code ms}. */
    @GetMapping(path = "/slow", produces = MediaType.TEXT_PLAIN_VALUE)
    public String slow(@RequestParam(defaultValue = "50") long ms) throws InterruptedException {
        Thread.sleep(Math.max(0, Math.min(ms, 60_000)));
        return "slept " + ms + " ms";
    }

    /** Answers the request body as it came; reading it is where a blocking server waits for a slow sender. */
    @PostMapping(path = "/echo", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public byte[] echo(@RequestBody(required = false) byte[] body) {
        return body == null ? new byte[0] : body;
    }
}
