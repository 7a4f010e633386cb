package dev.minihttp.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minihttp.LeakChecked;
import dev.minihttp.server.RawConnection;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Servlet async and non-blocking I/O on plain servlets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@LeakChecked
class AsyncTest {

    static ServletTestServer server;
    static final List<String> events = new CopyOnWriteArrayList<>();
    static volatile CountDownLatch completed = new CountDownLatch(1);
    static final java.util.concurrent.atomic.AtomicLong impatientWritten = new java.util.concurrent.atomic.AtomicLong();
    static final List<IllegalStateException> impatientRefusals = new CopyOnWriteArrayList<>();
    static final CountDownLatch impatientRefused = new CountDownLatch(1);

    static AsyncListener recorder(String name) {
        return new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                events.add(name + ":complete");
                completed.countDown();
            }

            @Override
            public void onTimeout(AsyncEvent event) throws IOException {
                events.add(name + ":timeout");
                if (name.equals("answering")) {
                    event.getAsyncContext().getResponse().getWriter().print("timed out politely");
                    event.getAsyncContext().complete();
                }
            }

            @Override
            public void onError(AsyncEvent event) {
                events.add(name + ":error");
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                events.add(name + ":start");
            }
        };
    }

    @BeforeAll
    static void start() throws Exception {
        ServletContainer container = new ServletContainer();
        container.addInitializer((classes, context) -> {
            context.addServlet("start", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                async.addListener(recorder("start"));
                String worker = Thread.currentThread().getName();
                async.start(() -> {
                    try {
                        async.getResponse().getWriter().print("started from " + worker + " ran on "
                                + Thread.currentThread().getName().replaceAll("\\d+$", "N"));
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    async.complete();
                });
            })).addMapping("/start");
            context.getServletRegistration("start");
            ((jakarta.servlet.ServletRegistration.Dynamic) context.getServletRegistration("start")).setAsyncSupported(true);

            var timeout = context.addServlet("timeout", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                async.setTimeout(req.getParameter("answer") != null ? 100 : 150);
                async.addListener(recorder(req.getParameter("answer") != null ? "answering" : "silent"));
            }));
            timeout.addMapping("/timeout");
            timeout.setAsyncSupported(true);

            var dispatch = context.addServlet("dispatch", new LambdaServlet((req, res) -> {
                if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                    res.getWriter().print("async dispatch to " + req.getRequestURI() + " from "
                            + req.getAttribute(AsyncContext.ASYNC_REQUEST_URI) + " query=" + req.getQueryString());
                    return;
                }
                AsyncContext async = req.startAsync();
                new Thread(() -> async.dispatch("/dispatched/target")).start();
            }));
            dispatch.addMapping("/dispatch", "/dispatched/*");
            dispatch.setAsyncSupported(true);

            var writes = context.addServlet("writes", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                ServletOutputStream out = res.getOutputStream();
                out.setWriteListener(new WriteListener() {
                    int written;

                    @Override
                    public void onWritePossible() throws IOException {
                        while (out.isReady() && written < 100) {
                            out.write(("chunk " + written++ + "\n").getBytes());
                        }
                        if (written == 100) {
                            async.complete();
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        async.complete();
                    }
                });
            }));
            writes.addMapping("/writes");
            writes.setAsyncSupported(true);

            var impatient = context.addServlet("impatient", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                ServletOutputStream out = res.getOutputStream();
                byte[] piece = new byte[256 * 1024];
                java.util.Arrays.fill(piece, (byte) 'x');
                out.setWriteListener(new WriteListener() {
                    volatile boolean refused;

                    @Override
                    public void onWritePossible() throws IOException {
                        if (refused) {
                            out.write("end".getBytes());
                            async.complete();
                            return;
                        }
                        out.write(piece); // without isReady(): onWritePossible implies it
                        impatientWritten.addAndGet(piece.length);
                        while (out.isReady()) {
                            out.write(piece);
                            impatientWritten.addAndGet(piece.length);
                        }
                        // The client reads nothing yet, so the stream stays not ready.
                        try {
                            out.write(piece);
                        } catch (IllegalStateException expected) {
                            impatientRefusals.add(expected);
                        }
                        try {
                            out.flush();
                        } catch (IllegalStateException expected) {
                            impatientRefusals.add(expected);
                        }
                        refused = true;
                        impatientRefused.countDown();
                    }

                    @Override
                    public void onError(Throwable t) {
                        async.complete();
                    }
                });
            }));
            impatient.addMapping("/impatient");
            impatient.setAsyncSupported(true);

            var reads = context.addServlet("reads", new LambdaServlet((req, res) -> {
                AsyncContext async = req.startAsync();
                ServletInputStream in = req.getInputStream();
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                in.setReadListener(new ReadListener() {
                    @Override
                    public void onDataAvailable() throws IOException {
                        byte[] buffer = new byte[1024];
                        while (in.isReady() && !in.isFinished()) {
                            int n = in.read(buffer);
                            if (n < 0) {
                                break;
                            }
                            received.write(buffer, 0, n);
                        }
                    }

                    @Override
                    public void onAllDataRead() throws IOException {
                        res.getWriter().print("read " + received.size() + " bytes");
                        async.complete();
                    }

                    @Override
                    public void onError(Throwable t) {
                        async.complete();
                    }
                });
            }));
            reads.addMapping("/reads");
            reads.setAsyncSupported(true);

            context.addServlet("notAsync", new LambdaServlet((req, res) -> {
                try {
                    req.startAsync();
                    res.getWriter().print("started?!");
                } catch (IllegalStateException e) {
                    res.getWriter().print("refused");
                }
            })).addMapping("/not-async");
        });
        server = new ServletTestServer(container);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void startRunsOnAWorkerAndCompleteFiresOnComplete() throws Exception {
        completed = new CountDownLatch(1);
        var response = server.get("/start");
        assertThat(response.body()).matches("started from minihttp-worker-\\d+ ran on minihttp-worker-N");
        assertThat(completed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(events).contains("start:complete");
    }

    @Test
    void timeoutListenerCanAnswer() throws Exception {
        var response = server.get("/timeout?answer=yes");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("timed out politely");
        assertThat(events).contains("answering:timeout");
    }

    @Test
    void timeoutThatNobodyHandlesIsA500() throws Exception {
        var response = server.get("/timeout");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(events).contains("silent:timeout");
    }

    @Test
    void dispatchFromAnotherThreadRunsAnAsyncDispatch() throws Exception {
        var response = server.get("/dispatch?q=1");
        assertThat(response.body()).isEqualTo("async dispatch to /dispatched/target from /dispatch query=q=1");
    }

    @Test
    void writeListenerWritesWhenReady() throws Exception {
        var response = server.get("/writes");
        assertThat(response.body()).startsWith("chunk 0\n").endsWith("chunk 99\n");
    }

    @Test
    void nonBlockingWriteOrFlushWhileNotReadyIsRefusedAndNothingOfItIsSent() throws Exception {
        try (RawConnection connection = new RawConnection(server.server.port())) {
            connection.send("GET /impatient HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(impatientRefused.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(impatientRefusals).hasSize(2)
                    .allSatisfy(e -> assertThat(e).hasMessageContaining("isReady()"));

            RawConnection.Response response = connection.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().length).as("what was accepted, then the end marker")
                    .isEqualTo(impatientWritten.get() + 3);
            assertThat(response.text()).endsWith("xxxend");
        }
    }

    @Test
    void readListenerGetsTheWholeBody() throws Exception {
        var response = server.send(server.request("/reads")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000])).timeout(Duration.ofSeconds(10)).build());
        assertThat(response.body()).isEqualTo("read 100000 bytes");
    }

    @Test
    void servletWithoutAsyncSupportCannotStartAsync() throws Exception {
        assertThat(server.get("/not-async").body()).isEqualTo("refused");
    }
}
