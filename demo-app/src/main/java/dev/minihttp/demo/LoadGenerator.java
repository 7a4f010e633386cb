package dev.minihttp.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Generates bounded load against this application from inside it, for the dashboard's button:
 * {@code concurrency} client threads, each sending {@code /slow?ms=...} (and now and then
 * {@code /fail}) to the app's own port over loopback, one request after another, until
 * {@code seconds} have passed. One run at a time; everything is clamped, so a click cannot
 * overload the machine.
 *
 * <p>A lifecycle bean in the default phase, so it stops its run before the web server starts its
 * graceful shutdown (which would otherwise wait for a load that keeps coming).
 */
@Component
public class LoadGenerator implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);

    /** A 503 means the pool and queue are full. A polite client would wait Retry-After (1 s); this
     * one retries sooner so that the rejections chart moves, but not in a tight loop. */
    private static final long BACKOFF_AFTER_REJECTION_MILLIS = 200;

    /** What one run does; {@link #clamped()} bounds every field. */
    public record Plan(int seconds, int concurrency, int ms, int failPercent) {

        static final int MAX_SECONDS = 120;
        static final int MAX_CONCURRENCY = 64;

        Plan clamped() {
            return new Plan(clamp(seconds, 1, MAX_SECONDS), clamp(concurrency, 1, MAX_CONCURRENCY),
                    clamp(ms, 0, DemoController.MAX_SLOW_MILLIS), clamp(failPercent, 0, 100));
        }

        private static int clamp(int value, int min, int max) {
            return Math.max(min, Math.min(value, max));
        }
    }

    /** A run's plan and what its requests got so far. */
    public record Status(boolean running, Plan plan, long startedAtMillis, long ok, long rejected, long failed,
                         long errors) {
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final AtomicInteger runs = new AtomicInteger();
    private volatile Run current;
    private volatile boolean lifecycleRunning;

    /** Starts a run against {@code http://127.0.0.1:port}, unless one is running: then returns that one. */
    public synchronized Status start(Plan requested, int port) {
        Run run = current;
        if (run != null && run.isRunning()) {
            return run.status();
        }
        Plan plan = requested.clamped();
        current = new Run(plan, port, runs.incrementAndGet());
        log.info("Generating load for {} s: {} clients sending /slow?ms={} ({}% /fail) to port {}",
                plan.seconds(), plan.concurrency(), plan.ms(), plan.failPercent(), port);
        return current.status();
    }

    /** The current or last run; null before the first one. */
    public Status status() {
        Run run = current;
        return run == null ? null : run.status();
    }

    @Override
    public void start() {
        lifecycleRunning = true;
    }

    @Override
    public void stop() {
        lifecycleRunning = false;
        Run run = current;
        if (run != null) {
            run.stop();
        }
    }

    @Override
    public boolean isRunning() {
        return lifecycleRunning;
    }

    private final class Run {

        private final Plan plan;
        private final URI slow;
        private final URI fail;
        private final long startedAtMillis = System.currentTimeMillis();
        private final long deadline;
        private final ExecutorService clients;
        private final LongAdder ok = new LongAdder();
        private final LongAdder rejected = new LongAdder();
        private final LongAdder failed = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final AtomicInteger active;
        private volatile boolean stopped;

        Run(Plan plan, int port, int number) {
            this.plan = plan;
            this.slow = URI.create("http://127.0.0.1:" + port + "/slow?ms=" + plan.ms());
            this.fail = URI.create("http://127.0.0.1:" + port + "/fail");
            this.deadline = System.nanoTime() + Duration.ofSeconds(plan.seconds()).toNanos();
            this.active = new AtomicInteger(plan.concurrency());
            AtomicInteger threadNumber = new AtomicInteger();
            this.clients = Executors.newFixedThreadPool(plan.concurrency(), task -> {
                Thread thread = new Thread(task, "demo-load-" + number + "-" + threadNumber.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            for (int i = 0; i < plan.concurrency(); i++) {
                clients.execute(this::loop);
            }
            clients.shutdown();
        }

        boolean isRunning() {
            return active.get() > 0;
        }

        Status status() {
            return new Status(isRunning(), plan, startedAtMillis, ok.sum(), rejected.sum(), failed.sum(), errors.sum());
        }

        void stop() {
            stopped = true;
            clients.shutdownNow();
        }

        private void loop() {
            try {
                while (!stopped && System.nanoTime() < deadline) {
                    boolean sendFail = ThreadLocalRandom.current().nextInt(100) < plan.failPercent();
                    HttpRequest request = HttpRequest.newBuilder(sendFail ? fail : slow)
                            .timeout(Duration.ofMillis(plan.ms() + 30_000L))
                            .build();
                    try {
                        int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        if (status == 503) {
                            rejected.increment();
                            Thread.sleep(BACKOFF_AFTER_REJECTION_MILLIS);
                        } else if (status >= 500) {
                            failed.increment();
                        } else {
                            ok.increment();
                        }
                    } catch (IOException e) {
                        errors.increment();
                        Thread.sleep(BACKOFF_AFTER_REJECTION_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (active.decrementAndGet() == 0) {
                    log.info("Load finished: {}", status());
                }
            }
        }
    }
}
