package dev.minihttp.server;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code size} workers in front of a bounded queue of complete requests.
 *
 * <p>The same shape serves both thread modes: up to {@code workerThreads} long-lived threads,
 * platform or virtual, each taking one task at a time. With virtual threads the maximum is therefore
 * a concurrency limit, and busy/max/queue mean exactly what they mean with platform threads.
 *
 * <p>Workers start on demand: a task that finds no idle worker starts one while fewer than
 * {@code size} exist. A server sized for 200 requests at once but seeing 10 keeps 10 threads, their
 * stacks and their native buffers, instead of 200.
 *
 * <p>And they retire: a worker that waited {@code idleTimeout} for a task ends, as long as more
 * than {@code minWorkers} exist, so the pool a burst grew shrinks back once the burst is over (as
 * Tomcat's and Jetty's do after 60 s). For that the most recently idle worker takes the next task
 * (a stack of waiting workers, each with its own condition): with one shared condition the task
 * would go to the longest-waiting worker, a steady trickle would keep every worker of the burst
 * busy in turn, and none would ever reach its idle timeout. Retiring is decided under the lock with
 * the queue empty, and the retiring worker stops counting as waiting in the same lock section: a
 * task submitted a moment later sees one worker fewer and starts another if none is left, never a
 * worker that is already on its way out. A retired worker's number is given to the next one
 * started, so thread names (and the per-thread exception tags) stay within 1..{@code size}, plus one
 * per worker replaced after an Error. In virtual-thread mode the same happens, though an idle
 * virtual worker costs only a small stack on the heap: retiring matters little there.
 *
 * <p>Admission: a task is accepted when a worker will take it (an idle one, one starting, or one that
 * may still be started) or the queue has room, and refused at once otherwise; the caller answers
 * 503. The queue is a lock and a deque rather than a {@code BlockingQueue} because admission must
 * see workers and queued tasks atomically (capacity 0 means "only if a worker is free").
 *
 * <p>The server has two: the pool for every request, and the reserved lane, a small one of its own
 * (threads {@code minihttp-lane-N}) that only requests on the probe paths reach. Each counts its
 * waits and refusals in its own {@link QueueCounters}; exceptions go to the server's counters,
 * per thread, whichever pool the thread belongs to.
 */
final class WorkerPool {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final int size;
    private final int minWorkers;
    private final long idleTimeoutNanos;
    private final int capacity;
    private final long queueTimeoutNanos;
    private final boolean virtual;
    private final String threadPrefix;
    private final ServerCounters counters;
    private final QueueCounters queueCounters;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    /** Workers waiting for a task, the most recently idle last: it is the one woken. Under the lock. */
    private final ArrayDeque<Worker> waiting = new ArrayDeque<>();
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    // Written under the lock, read without it: stats() must never wait behind the pool.
    private volatile int waitingWorkers;
    // Started but not yet waiting for a task: each will take one queued task. Under the lock.
    private int startingWorkers;
    private volatile int running;
    private volatile int queuedCount;
    private boolean accepting = true;
    private boolean stopped;

    /** Numbers in use in thread names ({@code minihttp-worker-N}). Under the lock. */
    private final BitSet threadNumbers = new BitSet();
    private final List<Worker> workers = new CopyOnWriteArrayList<>();

    private record Queued(WorkerTask task, long enqueuedNanos) {
    }

    WorkerPool(int size, int minWorkers, long idleTimeoutNanos, int capacity, long queueTimeoutNanos, boolean virtual,
               ServerCounters counters) {
        this("minihttp-worker-", size, minWorkers, idleTimeoutNanos, capacity, queueTimeoutNanos, virtual, counters,
                counters.pool);
    }

    /** @param minWorkers retiring stops at this many workers; above {@code size} it means {@code size} */
    WorkerPool(String threadPrefix, int size, int minWorkers, long idleTimeoutNanos, int capacity,
               long queueTimeoutNanos, boolean virtual, ServerCounters counters, QueueCounters queueCounters) {
        if (idleTimeoutNanos <= 0) {
            throw new IllegalArgumentException("idleTimeoutNanos must be positive, was " + idleTimeoutNanos);
        }
        this.threadPrefix = threadPrefix;
        this.size = size;
        this.minWorkers = Math.max(0, Math.min(minWorkers, size));
        // Capped so that a deadline computed from System.nanoTime() cannot overflow (146 years is "never").
        this.idleTimeoutNanos = Math.min(idleTimeoutNanos, 1L << 62);
        this.capacity = capacity;
        this.queueTimeoutNanos = queueTimeoutNanos;
        this.virtual = virtual;
        this.counters = counters;
        this.queueCounters = queueCounters;
    }

    /** Where this pool's refusals are counted (the caller counts those of {@link #submit}). */
    QueueCounters counters() {
        return queueCounters;
    }

    /** Nothing to do until the first task: workers start on demand (see the class comment). */
    void start() {
    }

    /**
     * Called with the lock held. Returns false when the thread could not be started (the JVM or the
     * OS refused another thread); the pool then carries on with the workers it has.
     */
    private boolean startWorker() {
        Worker worker = new Worker();
        worker.number = threadNumbers.nextClearBit(1);
        threadNumbers.set(worker.number);
        String name = threadPrefix + worker.number;
        Thread thread = virtual ? VirtualThreads.newThread(name, worker) : new Thread(worker, name);
        worker.thread = thread;
        startingWorkers++;
        workers.add(worker);
        try {
            thread.start();
            return true;
        } catch (OutOfMemoryError | RuntimeException e) {
            startingWorkers--;
            workers.remove(worker);
            threadNumbers.clear(worker.number);
            log.error("Could not start worker {} ({} running): {}", name, workers.size(), e.toString());
            return false;
        }
    }

    /** Accepts the task for a worker, or returns false at once when every worker is busy and the queue is full. */
    boolean submit(WorkerTask task) {
        queueCounters.submitted.increment();
        lock.lock();
        try {
            if (!accepting || queue.size() >= capacity + workersAvailable()) {
                return false;
            }
            queue.addLast(new Queued(task, System.nanoTime()));
            queuedCount = queue.size();
            if (queue.size() > waitingWorkers + startingWorkers && workers.size() < size) {
                if (!startWorker() && workers.isEmpty()) {
                    queue.pollLast(); // no thread at all would ever take it
                    queuedCount = queue.size();
                    return false;
                }
            } else {
                wakeOne();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the most recently idle worker, if one is waiting and not woken yet. Under the lock. */
    private void wakeOne() {
        Worker worker = waiting.pollLast();
        if (worker != null) {
            worker.parked = false;
            worker.wake.signal();
        }
    }

    /** Whether a task submitted now would be accepted (used to decide on 100-continue). */
    boolean hasRoom() {
        lock.lock();
        try {
            return accepting && queue.size() < capacity + workersAvailable();
        } finally {
            lock.unlock();
        }
    }

    /** Workers that will take a task without it waiting for a running one: idle, starting or not yet started. Under the lock. */
    private int workersAvailable() {
        return waitingWorkers + startingWorkers + (size - workers.size());
    }

    int size() {
        return size;
    }

    int capacity() {
        return capacity;
    }

    /** Lock-free, like the other readings: a racy but never blocking view. */
    int queueSize() {
        // Tasks an idle worker is about to take are not waiting for one.
        return Math.max(0, queuedCount - waitingWorkers);
    }

    int busy() {
        return running;
    }

    int liveThreads() {
        int live = 0;
        for (Worker worker : workers) {
            if (worker.thread.isAlive()) {
                live++;
            }
        }
        return live;
    }

    List<ServerStats.WorkerActivity> activity() {
        long now = System.nanoTime();
        List<ServerStats.WorkerActivity> result = new ArrayList<>();
        for (Worker worker : workers) {
            WorkerTask task = worker.current;
            long started = worker.startedNanos;
            result.add(task == null
                    ? new ServerStats.WorkerActivity(worker.thread.getName(), null, null, 0)
                    : new ServerStats.WorkerActivity(worker.thread.getName(), task.method(), task.path(), now - started));
        }
        return result;
    }

    /**
     * Stops taking new tasks and waits until the queue is empty and nothing runs.
     * Returns false when the deadline passed first.
     */
    boolean drain(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            accepting = false;
            while (!queue.isEmpty() || running > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses what is queued, interrupts the workers and waits briefly for them to end. */
    void stop() {
        List<Queued> dropped;
        List<Worker> all;
        lock.lock();
        try {
            accepting = false;
            stopped = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            queuedCount = 0;
            all = new ArrayList<>(workers);
            while (!waiting.isEmpty()) {
                wakeOne();
            }
            idle.signalAll();
        } finally {
            lock.unlock();
        }
        for (Queued queued : dropped) {
            queued.task.reject("shutdown");
        }
        for (Worker worker : all) {
            worker.thread.interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Worker worker : all) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                try {
                    worker.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (worker.thread.isAlive()) {
                log.warn("Worker {} did not stop within 5 seconds; it is still running {}",
                        worker.thread.getName(), describe(worker.current));
            }
        }
    }

    private static String describe(WorkerTask task) {
        return task == null ? "nothing" : task.method() + " " + task.path();
    }

    /**
     * Accounts for the task this worker just finished, if any, then takes the next one, or returns
     * null when the pool stopped or this worker retired (it is then no longer one of the workers).
     * The worker goes from busy (or starting) to waiting in one lock section, so submit() never sees
     * a worker that is none of these and never starts one too many; and the finished task's
     * {@link WorkerTask#afterRun()} runs once it counts as waiting, so the next request on the same
     * connection finds it free.
     */
    private Queued take(Worker worker, boolean first, WorkerTask finished) throws InterruptedException {
        lock.lock();
        try {
            if (finished != null) {
                finishedLocked();
            }
            if (first) {
                startingWorkers--;
            }
            waitingWorkers++;
            try {
                if (finished != null) {
                    lock.unlock();
                    try {
                        afterRun(finished);
                    } finally {
                        lock.lock();
                    }
                }
                // Woken for a task another worker took first, it waits on towards the same deadline.
                long deadline = System.nanoTime() + idleTimeoutNanos;
                while (queue.isEmpty()) {
                    if (stopped) {
                        return null;
                    }
                    if (!worker.parked) {
                        waiting.addLast(worker);
                        worker.parked = true;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        if (workers.size() > minWorkers) {
                            retire(worker);
                            return null;
                        }
                        // One of the minimum for now. It still waits with a deadline, not for ever:
                        // should the pool grow past the minimum later, this idle one is the one to
                        // retire, not the busy ones on top of the stack.
                        left = idleTimeoutNanos;
                        deadline = System.nanoTime() + left;
                    }
                    worker.wake.awaitNanos(left);
                }
            } finally {
                waitingWorkers--;
                if (worker.parked) {
                    // Timed out or interrupted with nobody having woken it: leave the stack.
                    waiting.removeLastOccurrence(worker);
                    worker.parked = false;
                }
            }
            running++;
            Queued next = queue.pollFirst();
            queuedCount = queue.size();
            return next;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock, with the queue empty: the caller's thread ends once this returns. */
    private void retire(Worker worker) {
        workers.remove(worker);
        threadNumbers.clear(worker.number);
        log.debug("Worker {} retired after {} ms idle; {} left", worker.thread.getName(),
                TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos), workers.size());
    }

    private void finished() {
        lock.lock();
        try {
            finishedLocked();
        } finally {
            lock.unlock();
        }
    }

    private static void afterRun(WorkerTask task) {
        try {
            task.afterRun();
        } catch (RuntimeException e) {
            log.warn("Could not finish {} after it ran", describe(task), e);
        }
    }

    private void finishedLocked() {
        running--;
        if (running == 0 && queue.isEmpty()) {
            idle.signalAll();
        }
    }

    private final class Worker implements Runnable {
        /** Signalled by {@link #wakeOne()}: this worker alone is woken. */
        final Condition wake = lock.newCondition();
        /** On the stack of waiting workers. Under the lock. */
        boolean parked;
        /** The N of its thread name. Under the lock. */
        int number;
        volatile Thread thread;
        volatile WorkerTask current;
        volatile long startedNanos;

        @Override
        public void run() {
            boolean replace = false;
            WorkerTask unaccounted = null; // it ran; running-- and its afterRun() are still due
            try {
                boolean first = true;
                while (true) {
                    WorkerTask finished = unaccounted;
                    unaccounted = null; // take() settles it before anything in it can throw
                    Queued queued = take(this, first, finished);
                    first = false;
                    if (queued == null) {
                        return;
                    }
                    unaccounted = queued.task;
                    if (runOne(queued)) {
                        replace = true;
                        return;
                    }
                }
            } catch (InterruptedException stopping) {
                // stop() interrupts idle workers; nothing is lost, the queue was handed back.
            } finally {
                if (unaccounted != null) {
                    finished();
                    afterRun(unaccounted);
                }
                if (replace) {
                    replaceMe();
                }
            }
        }

        /** Returns true when this thread must be replaced (an Error went through it). */
        private boolean runOne(Queued queued) {
            long started = System.nanoTime();
            long waited = started - queued.enqueuedNanos;
            WorkerTask task = queued.task;
            try {
                // Measured for every request a worker picked up, the timed-out ones included: they
                // are the longest waits, and leaving them out would hide saturation from the timer.
                queueCounters.queueWait(waited);
                if (queueTimeoutNanos > 0 && waited > queueTimeoutNanos) {
                    queueCounters.rejected("queue_timeout");
                    task.reject("queue_timeout");
                    return false;
                }
                startedNanos = started;
                current = task;
                task.run();
                return false;
            } catch (Throwable thrown) {
                counters.exception(thread.getName(), thrown);
                if (thrown instanceof Error) {
                    // The headline carries the message too: log searches and alerts often show only this line.
                    log.error("{} failed on {}: {}; the thread will be replaced",
                            describe(task), thread.getName(), thrown.toString(), thrown);
                    return true;
                }
                if (thrown instanceof ClientAbortException) {
                    log.debug("Client went away during {} on {}", describe(task), thread.getName(), thrown);
                } else {
                    log.warn("{} failed on {}: {}", describe(task), thread.getName(), thrown.toString(), thrown);
                }
                return false;
            } finally {
                current = null;
                Thread.interrupted(); // an interrupt meant for this task must not hit the next one
            }
        }

        /** After an Error the thread's state (thread locals, locks held by libraries) is suspect: start a fresh one. */
        private void replaceMe() {
            lock.lock();
            try {
                // Its number stays taken: the replacement gets a name of its own, so the dead
                // thread's exceptions remain told apart from the new one's.
                workers.remove(this);
                if (!stopped) {
                    startWorker();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
