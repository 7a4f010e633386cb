package dev.minihttp.reliability;

import dev.minihttp.LeakChecked;
import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.reliability.SmugglingPayloads.Payload;
import dev.minihttp.server.Eventually;
import dev.minihttp.server.RunningServer;
import dev.minihttp.server.ServerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request smuggling behind real proxies. Every classic desync payload is sent on a raw socket,
 * followed on the same connection by a normal request, to minihttp directly and through HAProxy
 * and nginx from the distribution (skipped when not installed; {@code .ci/run} installs them).
 *
 * <p>The proxies refuse {@code /probe} themselves, so the application seeing it would prove a
 * desync. Asserted for every payload and every path: the application never sees {@code /probe}
 * nor any request other than the ones the client meant; every client gets complete, well-framed
 * responses or a close; the normal request that follows on the same connection, if answered, gets
 * its own response; and a fresh connection right after gets the right responses (the proxy's
 * keep-alive connections to minihttp were not poisoned). Directly, minihttp's own answer to each
 * payload is pinned. The outcome matrix is written to {@code target/reliability/smuggling.md}
 * (and copied into docs/reliability.md).
 */
@LeakChecked
class ProxySmugglingTest {

    private static final int READ_TIMEOUT_MILLIS = (ReverseProxy.CLIENT_TIMEOUT_SECONDS + 5) * 1000;
    private static final Map<String, Map<String, String>> TABLE = new LinkedHashMap<>();
    private static final List<String> COLUMNS = new ArrayList<>();

    /**
     * What minihttp itself answers each payload (then its verdict on the follow-up request, which
     * it must never parse after refusing: an error closes the connection). "close" = it closed.
     */
    private static final Map<String, String> DIRECT = new LinkedHashMap<>();

    static {
        for (Payload payload : SmugglingPayloads.all()) {
            DIRECT.put(payload.name(), "400 close");
        }
        // Not ambiguous, so served: a field named Transfer_Encoding is just another field, and the
        // "smuggled" bytes after the body are simply the next pipelined request (or garbage: 400).
        DIRECT.put("CL.TE, Transfer_Encoding (underscore)", "200 200 close");
        DIRECT.put("TE.CL, Transfer_Encoding (underscore)", "200 200 400 close");
        // RFC 9110 8.6: identical Content-Length values may be accepted as one (HAProxy does too).
        DIRECT.put("CL: two equal fields", "200 200 200 close");
        DIRECT.put("CL: 5, 5 (list, equal)", "200 200 200 close");
        // A syntactically valid length too large for any limit.
        DIRECT.put("CL: 20 digits (overflow)", "413 close");
        DIRECT.put("GET with a CL body", "200 200 close");
        // RFC 9112 7.1.1 allows BWS before a chunk extension's ';'.
        DIRECT.put("chunk size, BWS before ext", "200 200 close");
        DIRECT.put("pipelined garbage after a valid request", "200 400 close");
        DIRECT.put("pipelined probe after a valid request", "200 200 200 close");
    }

    @TempDir
    Path proxyDirectory;

    private final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
    private RunningServer backend;

    @BeforeEach
    void startBackend() {
        backend = RunningServer.start(ServerOptions.builder()
                .workerThreads(4)
                .requestHeadTimeout(Duration.ofSeconds(ReverseProxy.CLIENT_TIMEOUT_SECONDS))
                .minBodyRate(1000)
                .bodyRateGracePeriod(Duration.ofSeconds(1)), (request, response) -> {
                    seen.add(request.path());
                    request.body().readAllBytes();
                    response.header("Content-Type", "text/plain");
                    response.body().write(("ok " + request.path()).getBytes(StandardCharsets.US_ASCII));
                });
    }

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    @AfterAll
    static void writeTable() throws IOException {
        if (COLUMNS.isEmpty()) {
            return;
        }
        StringBuilder table = new StringBuilder("| payload | " + String.join(" | ", COLUMNS) + " |\n|---|");
        table.append("---|".repeat(COLUMNS.size())).append('\n');
        TABLE.forEach((payload, row) -> {
            table.append("| ").append(payload.replace("|", "\\|"));
            for (String column : COLUMNS) {
                table.append(" | ").append(row.getOrDefault(column, "")).append("");
            }
            table.append(" |\n");
        });
        Path out = Path.of("target", "reliability", "smuggling.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table);
    }

    @Test
    void minihttpAloneRefusesEveryAmbiguousMessage() throws Exception {
        List<String> violations = run("minihttp alone", backend.port(), false);
        for (Payload payload : SmugglingPayloads.all()) {
            String expected = DIRECT.get(payload.name());
            String actual = TABLE.get(payload.name()).get("minihttp alone");
            // The follow-up after a refusal must never be answered: refused means closed.
            if (expected != null && !expected.equals(actual)) {
                violations.add(payload.name() + ": expected minihttp to answer \"" + expected + "\" but got \"" + actual + "\"");
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void behindHaproxyNothingIsSmuggled() throws Exception {
        throughProxy(ReverseProxy.Kind.HAPROXY);
    }

    @Test
    void behindNginxNothingIsSmuggled() throws Exception {
        throughProxy(ReverseProxy.Kind.NGINX);
    }

    private void throughProxy(ReverseProxy.Kind kind) throws Exception {
        Assumptions.assumeTrue(kind.isInstalled(), kind.binary + " is not installed (.ci/run installs it)");
        try (ReverseProxy proxy = ReverseProxy.start(kind, proxyDirectory, backend.port())) {
            // The proxy itself refuses the probe: the premise of every check below.
            Wire.Result probe = Wire.exchange(proxy.port(),
                    ascii(SmugglingPayloads.SMUGGLED.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")), READ_TIMEOUT_MILLIS);
            assertThat(probe.responses()).extracting(Wire.Answer::status).containsExactly(403);
            List<String> violations = run(kind.version() + " → minihttp", proxy.port(), true);
            assertThat(violations).as("proxy log:\n" + proxy.log()).isEmpty();
        }
    }

    /**
     * Sends every payload to {@code port}; records the outcomes; returns what went wrong. Behind a
     * proxy ({@code proxied}) the application must see no request but the ones meant; directly,
     * the "smuggled" bytes are just a pipelined request, and the pinned answer is what counts.
     */
    private List<String> run(String column, int port, boolean proxied) throws IOException {
        synchronized (TABLE) {
            if (!COLUMNS.contains(column)) {
                COLUMNS.add(column);
            }
        }
        List<String> violations = new ArrayList<>();
        List<Payload> payloads = SmugglingPayloads.all();
        for (int i = 0; i < payloads.size(); i++) {
            Payload payload = payloads.get(i);
            seen.clear();
            String same = "/after-same-" + i;
            Wire.Result result = Wire.exchange(port,
                    ascii(payload.bytes() + "GET " + same + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
                    READ_TIMEOUT_MILLIS);
            String fresh = "/after-fresh-" + i;
            Wire.Result next = Wire.exchange(port, ascii("GET " + fresh + "-a HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET " + fresh + "-b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), READ_TIMEOUT_MILLIS);
            // Whatever minihttp was still doing for this payload (a 408 after its own timeout) is over.
            Eventually.awaitStats(backend, "the backend to be idle", s -> s.busyThreads() == 0 && s.queueSize() == 0);

            List<String> appSaw = seen.stream().filter(p -> !p.startsWith(fresh))
                    .map(p -> p.equals(same) ? "follow-up" : p).toList();
            String cell = proxied
                    ? result.outcome() + " · app: " + (appSaw.isEmpty() ? "–" : String.join(", ", appSaw))
                    : result.outcome();
            synchronized (TABLE) {
                TABLE.computeIfAbsent(payload.name(), p -> new LinkedHashMap<>()).put(column, cell);
            }
            String where = column + ", " + payload.name() + ": ";
            for (String path : seen) {
                if (proxied && !path.equals("/") && !path.equals(same) && !path.startsWith(fresh)) {
                    violations.add(where + "the application saw a request for " + path + " (smuggled)");
                }
            }
            if (!result.garbage().isEmpty()) {
                violations.add(where + "incomplete or non-HTTP answer: " + printable(result.garbage()));
            }
            if (result.end() == Wire.End.TIMEOUT) {
                violations.add(where + "connection neither answered nor closed within " + READ_TIMEOUT_MILLIS + " ms");
            }
            List<Wire.Answer> answers = result.responses();
            for (int r = 0; r < answers.size(); r++) {
                String body = answers.get(r).body();
                boolean pipelinedProbe = !proxied && body.equals("ok /probe");
                if (body.startsWith("ok ") && !body.equals("ok /") && !body.equals("ok " + same) && !pipelinedProbe) {
                    violations.add(where + "answer " + r + " carries another request's response: " + body);
                }
                if (body.equals("ok " + same) && (r != answers.size() - 1 || answers.get(r).status() != 200)) {
                    violations.add(where + "the follow-up's answer is not the last one: " + result.outcome());
                }
            }
            List<String> nextBodies = next.responses().stream().map(a -> a.status() + " " + a.body()).toList();
            if (!nextBodies.equals(List.of("200 ok " + fresh + "-a", "200 ok " + fresh + "-b"))) {
                violations.add(where + "a clean request on a fresh connection afterwards got " + nextBodies
                        + " (" + next.outcome() + "): the backend connection was poisoned");
            }
        }
        return violations;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String printable(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return cut.replace("\r", "\\r").replace("\n", "\\n");
    }
}
