package dev.minihttp.boot;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.server.servlet.CookieSameSiteSupplier;
import org.springframework.boot.web.server.servlet.context.ServletComponentScan;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application every test runs: plain Spring MVC controllers, a {@code @WebListener} found by
 * {@code @ServletComponentScan} and a {@link CookieSameSiteSupplier} bean; nothing minihttp-specific.
 */
// Redis is on the test classpath for SessionsAcrossInstancesTest only: without a server its health
// indicator says DOWN and /actuator/health answers 503, which is not what these tests are about.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration"})
@ServletComponentScan("dev.minihttp.boot.listener")
public class TestApp {

    /** Cookies named "theme" get SameSite=Lax, whoever sets them. */
    @Bean
    CookieSameSiteSupplier themeCookieIsLax() {
        return CookieSameSiteSupplier.ofLax().whenHasName("theme");
    }

    /** Thrown by /handled and answered by the controller's own {@code @ExceptionHandler}. */
    static class HandledByTheAppException extends RuntimeException {
        HandledByTheAppException() {
            super("handled");
        }
    }

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

        /** The protocol as the Servlet API reports it (HTTP/2.0 on a stream), with the scheme. */
        @GetMapping("/protocol")
        String protocol(HttpServletRequest request) {
            return request.getProtocol() + " " + request.getScheme() + " " + request.isSecure() + " " + request.getServerName();
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

        @GetMapping(value = "/big.bin", produces = "application/octet-stream")
        byte[] bigBinary() {
            return "not a compressible media type. ".repeat(200).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @GetMapping("/handled")
        String handled() {
            throw new HandledByTheAppException();
        }

        @ExceptionHandler(HandledByTheAppException.class)
        @ResponseStatus(HttpStatus.CONFLICT)
        String onHandled(HandledByTheAppException e) {
            return "the app handled it";
        }

        @GetMapping("/overflow")
        String overflow() {
            throw new StackOverflowError("deep");
        }

        @GetMapping("/cookies")
        String cookies(HttpServletResponse response) {
            response.addCookie(new Cookie("theme", "dark"));
            response.addCookie(new Cookie("plain", "1"));
            return "cookies";
        }

        /** What the context knows: a server.servlet.context-parameters value and the @WebListener's mark. */
        @GetMapping("/context")
        String context(HttpServletRequest request) {
            return request.getServletContext().getInitParameter("greeting") + " "
                    + request.getServletContext().getAttribute("listener");
        }

        /** Answers in the request's language, leaving the charset to the server's locale mapping. */
        @GetMapping("/greeting")
        void greeting(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {
            response.setContentType("text/plain");
            response.setLocale(request.getLocale());
            response.getWriter().print("Grüße");
        }

        @GetMapping("/thread")
        String thread() throws ReflectiveOperationException {
            Thread current = Thread.currentThread();
            // Thread.isVirtual() is JDK 21+; the tests compile for 17.
            boolean virtual = Runtime.version().feature() >= 21
                    && (Boolean) Thread.class.getMethod("isVirtual").invoke(current);
            return current.getName() + (virtual ? " virtual" : " platform");
        }
    }
}
