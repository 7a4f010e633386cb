package dev.minihttp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A task submitted just as the last idle worker retires must still run: retiring is decided under
 * the pool's lock with the queue empty, so the task either finds the worker still waiting (and it
 * takes the task instead of retiring) or finds it gone (and starts another). Pinned by submitting
 * thousands of times at moments spread around the idle timeout, from one thread and from several;
 * every task must run, and the pool must never exceed its size. No timing is asserted: a lost task
 * shows up as a latch that never opens.
 */
@LeakChecked
class WorkerRetirementRaceTest {

    private static final long IDLE_NANOS = TimeUnit.MICROSECONDS.toNanos(300);

    private final List<WorkerPool> pools = new ArrayList<>();

    @AfterEach
    void stopPools() {
        pools.forEach(WorkerPool::stop);
    }

    private WorkerPool pool(int size, int queueCapacity) {
        WorkerPool pool = new WorkerPool(size, 0, IDLE_NANOS, queueCapacity, 0, false, new ServerCounters());
        pools.add(pool);
        pool.start();
        return pool;
    }

    private static WorkerTask task(Runnable body) {
        return WorkerTask.continuation(body, "TEST", "/");
    }

    /** Sleeps 0 to 2 idle timeouts: sometimes the worker is waiting, sometimes retiring, sometimes gone. */
    private static void aroundTheIdleTimeout() {
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2 * IDLE_NANOS));
    }

    private static void awaitOrFail(CountDownLatch latch, String what, WorkerPool pool) throws InterruptedException {
        if (!latch.await(Eventually.DEFAULT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
            throw new AssertionError(what + " never ran; pool: " + pool.liveThreads() + " workers, "
                    + pool.queueSize() + " queued, " + pool.busy() + " busy");
        }
    }

    @Test
    void aTaskSubmittedWhileTheLastWorkerRetiresStillRuns() throws Exception {
        // A queue of one: the worker may still be on its way back from the previous task (with no
        // queue that would be a refusal, rightly), and a stranded task would sit there for ever.
        WorkerPool pool = pool(1, 1);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 2000; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            assertThat(pool.submit(task(() -> {
                ranOn.add(Thread.currentThread());
                ran.countDown();
            }))).as("submit %d", i).isTrue();
            awaitOrFail(ran, "task " + i, pool);
            assertThat(pool.liveThreads()).isLessThanOrEqualTo(1);
            aroundTheIdleTimeout();
        }
        // The worker did retire in between (and a new one was started): the race was run.
        assertThat(ranOn).hasSizeGreaterThan(1);
        Eventually.await("the last worker retired", () -> pool.liveThreads() == 0, pool::liveThreads);
    }

    @Test
    void concurrentSubmittersNeverLoseATaskNorExceedThePoolSize() throws Exception {
        int size = 3;
        WorkerPool pool = pool(size, 1000);
        int submitters = 4;
        int perSubmitter = 1000;
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger tooMany = new AtomicInteger();
        CountDownLatch allRan = new CountDownLatch(submitters * perSubmitter);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < submitters; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < perSubmitter; i++) {
                    boolean accepted = pool.submit(task(() -> {
                        ran.incrementAndGet();
                        allRan.countDown();
                    }));
                    if (!accepted) {
                        refused.incrementAndGet();
                        allRan.countDown();
                    }
                    if (pool.liveThreads() > size) {
                        tooMany.incrementAndGet();
                    }
                    aroundTheIdleTimeout();
                }
            }, "test-submitter-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        awaitOrFail(allRan, "every accepted task", pool);
        assertThat(refused.get()).as("refused with a queue of 1000").isZero();
        assertThat(ran.get()).isEqualTo(submitters * perSubmitter);
        assertThat(tooMany.get()).as("times more than %d workers were alive", size).isZero();
        Eventually.await("every worker retired", () -> pool.liveThreads() == 0, pool::liveThreads);
    }
}
