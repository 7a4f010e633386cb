package dev.minihttp.server;

/**
 * A unit of work for the {@link WorkerPool}: a complete request, or a continuation of one (a
 * Servlet async dispatch). It knows how to refuse itself, which the pool does when it waited
 * longer than the queue timeout.
 */
interface WorkerTask {

    /** Runs on a worker. Exceptions are the task's to answer; what escapes is still counted. */
    void run() throws Exception;

    /**
     * Called on the worker once {@link #run()} returned (normally or not) and the worker counts as
     * idle again. Work that hands the pool new requests, such as a connection moving on to its next
     * request, belongs here: done inside run(), the next request would find this worker still busy
     * and make the pool start a thread it does not need.
     */
    default void afterRun() {
    }

    /** Answers the client that this work will not run (503); called on a worker or the I/O thread. */
    void reject(String reason);

    /** For the worker's "what is it doing now": the method, or a label for non-request work. */
    String method();

    /** For the worker's "what is it doing now": the path without the query. */
    String path();

    /**
     * Wraps work that continues an exchange (an async dispatch, a write-ready callback). At
     * shutdown it is simply dropped: its exchange is closed together with its connection.
     */
    static WorkerTask continuation(Runnable work, String method, String path) {
        return new WorkerTask() {
            @Override
            public void run() {
                work.run();
            }

            @Override
            public void reject(String reason) {
                // nothing to answer: the connection it belongs to is closed with the server
            }

            @Override
            public String method() {
                return method;
            }

            @Override
            public String path() {
                return path;
            }
        };
    }
}
