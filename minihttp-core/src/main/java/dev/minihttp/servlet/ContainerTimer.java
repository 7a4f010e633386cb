package dev.minihttp.servlet;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The container's one background thread, {@code minihttp-servlet-timer}: async timeouts and the
 * session expiry sweep. It only decides that something is due; real work that runs application
 * code is handed to the engine's workers where it can be.
 */
final class ContainerTimer {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "minihttp-servlet-timer");
        thread.setDaemon(true);
        return thread;
    });

    ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        return scheduler.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    ScheduledFuture<?> every(Runnable task, long periodMillis) {
        return scheduler.scheduleWithFixedDelay(task, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    void stop() {
        scheduler.shutdownNow();
    }
}
