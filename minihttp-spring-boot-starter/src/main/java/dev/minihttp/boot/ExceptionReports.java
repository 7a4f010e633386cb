package dev.minihttp.boot;

import dev.minihttp.server.Handler;
import dev.minihttp.server.Request;
import dev.minihttp.server.Response;

/**
 * Tells the web server each time the servlet container reports an exception it answered (error
 * page or 500) to the engine, which counts it. The counting is the engine's; this only lets the
 * metrics register a {@code minihttp.worker.exceptions} counter for a new (thread, exception)
 * pair at once, instead of at the next read of another minihttp meter.
 */
final class ExceptionReports implements Handler {

    private final Handler delegate;
    private final Runnable onReport;

    ExceptionReports(Handler delegate, Runnable onReport) {
        this.delegate = delegate;
        this.onReport = onReport;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        delegate.handle(request, new ForwardingResponse(response) {
            @Override
            public void reportException(Throwable thrown) {
                super.reportException(thrown);
                onReport.run();
            }
        });
    }
}
