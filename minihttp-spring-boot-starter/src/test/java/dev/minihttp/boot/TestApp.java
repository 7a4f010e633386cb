package dev.minihttp.boot;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The application every test runs: plain Spring MVC controllers, nothing minihttp-specific. */
@SpringBootApplication
public class TestApp {

    /** Requests to /block wait here until a test releases them. */
    static volatile CountDownLatch release = new CountDownLatch(1);
    /** Released once per request that entered /block. */
    static final Semaphore entered = new Semaphore(0);

    static void reset() {
        release = new CountDownLatch(1);
        entered.drainPermits();
    }

    @RestController
    static class Controllers {

        @GetMapping("/hello")
        String hello() {
            return "hello";
        }

        @GetMapping("/block")
        String block() throws InterruptedException {
            CountDownLatch latch = release;
            entered.release();
            if (!latch.await(30, TimeUnit.SECONDS)) {
                return "timed out";
            }
            return "released";
        }

        @GetMapping("/boom")
        String boom() {
            throw new IllegalStateException("boom");
        }

        @GetMapping("/session")
        String session(jakarta.servlet.http.HttpServletRequest request) {
            return Integer.toString(request.getSession(true).getMaxInactiveInterval());
        }

        @GetMapping("/whoami")
        String whoami(jakarta.servlet.http.HttpServletRequest request) {
            return request.getScheme() + " " + request.getRemoteAddr() + " "
                    + request.getServletContext().getMimeType("report.foo");
        }

        @GetMapping(value = "/big", produces = "text/plain")
        String big() {
            return "minihttp compresses this line. ".repeat(200);
        }
    }
}
