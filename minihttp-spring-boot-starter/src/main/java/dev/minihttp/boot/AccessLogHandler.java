package dev.minihttp.boot;

import dev.minihttp.server.Handler;
import dev.minihttp.server.Request;
import dev.minihttp.server.Response;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request in the combined log format, plus the time spent waiting in the queue and
 * running on a worker (for async requests: until the response completed), written to the SLF4J
 * logger {@code minihttp.access} at INFO so the application's logging setup decides where it goes:
 *
 * <pre>127.0.0.1 - - [10/Oct/2025:13:55:36 +0000] "GET /hello HTTP/1.1" 200 5 "-" "curl/8.5" queue=0.1ms worker=2.3ms</pre>
 */
final class AccessLogHandler implements Handler {

    static final Logger ACCESS = LoggerFactory.getLogger("minihttp.access");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final Handler delegate;

    AccessLogHandler(Handler delegate) {
        this.delegate = delegate;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        LoggingResponse logging = new LoggingResponse(request, response, System.nanoTime());
        boolean failed = true;
        try {
            delegate.handle(request, logging);
            failed = false;
        } finally {
            if (failed || !logging.isSuspended()) {
                // The engine answers 500 for an exception that escaped and nothing was committed.
                logging.log(failed && !response.isCommitted() ? 500 : response.status());
            }
        }
    }

    private static final class LoggingResponse extends ForwardingResponse {

        private final Request request;
        private final long started;
        private final AtomicBoolean logged = new AtomicBoolean();
        private long bytes;
        private OutputStream counting;

        LoggingResponse(Request request, Response delegate, long started) {
            super(delegate);
            this.request = request;
            this.started = started;
        }

        @Override
        public OutputStream body() {
            if (counting == null) {
                counting = new FilterOutputStream(delegate.body()) {
                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        bytes++;
                    }

                    @Override
                    public void write(byte[] data, int offset, int length) throws IOException {
                        out.write(data, offset, length);
                        bytes += length;
                    }
                };
            }
            return counting;
        }

        @Override
        public void complete() {
            super.complete();
            log(status());
        }

        @Override
        public void abort() {
            super.abort();
            log(status());
        }

        void log(int status) {
            if (!ACCESS.isInfoEnabled() || !logged.compareAndSet(false, true)) {
                return;
            }
            long workerNanos = System.nanoTime() - started;
            InetSocketAddress remote = request.remoteAddress();
            String line = (remote == null ? "-" : remote.getAddress().getHostAddress())
                    + " - - [" + TIME.format(ZonedDateTime.now()) + "] \""
                    + request.method() + ' ' + request.target() + ' ' + request.version().text() + "\" "
                    + status + ' ' + (bytes == 0 ? "-" : Long.toString(bytes))
                    + " \"" + orDash(request.header("Referer")) + "\" \"" + orDash(request.header("User-Agent")) + '"'
                    + " queue=" + millis(request.queueWaitNanos()) + "ms worker=" + millis(workerNanos) + "ms";
            ACCESS.info(line);
        }

        private static String orDash(String value) {
            return value == null ? "-" : value.replace("\"", "\\\"");
        }

        private static String millis(long nanos) {
            return String.format(Locale.ROOT, "%.1f", nanos / (double) TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
