package dev.minihttp.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver (nothing is downloaded), reads the real server while the page's own
 * "Generate load" button saturates a pool of 4 workers and a queue of 6. The page must show
 * busy = max, a non-empty queue and rejections, the same as the server reports, and an
 * exception counted against a worker thread. While the load runs, the page loads again and again:
 * its files and data are on the reserved lane, so they never get the 503 the load gets. Leaves a
 * screenshot in {@code target/dashboard.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "minihttp.threads=4", "minihttp.queue-capacity=6", "minihttp.queue-timeout=0",
        "management.server.port=0"})
class DashboardBrowserTest {

    private static final Logger log = LoggerFactory.getLogger(DashboardBrowserTest.class);

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final int THREADS = 4;
    private static final int QUEUE_CAPACITY = 6;
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private Path profile;
    private ChromeDriverService service;
    private WebDriver driver;

    /** In @BeforeEach, not @BeforeAll: surefire reports a test skipped there, with this message. */
    @BeforeEach
    void startBrowser() throws IOException {
        boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        String missing = "DashboardBrowserTest SKIPPED: it needs Debian's chromium and chromium-driver "
                + "(/usr/bin/chromium, /usr/bin/chromedriver); "
                + "apt-get install -y --no-install-recommends chromium chromium-driver (.ci/run does)";
        if (!installed) {
            log.warn(missing);
        }
        assumeTrue(installed, missing);
        profile = Files.createTempDirectory("dashboard-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1200",
                "--user-data-dir=" + profile.toAbsolutePath());
        // An explicit driver executable: Selenium Manager never runs, so nothing is looked up or downloaded.
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void chartsShowTheSaturatedPoolWhileTheButtonsLoadRuns() throws Exception {
        driver.get("http://localhost:" + port + "/");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class); // the page redraws its table every second

        // The page found actuator on the management port and reads the configured pool.
        wait.until(d -> "ok".equals(attribute("#status", "data-state")) && !attribute("#chart-threads", "data-max").isEmpty());
        // The updates arrive over the WebSocket the server pushes to, not by polling.
        assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-transport")).isEqualTo("websocket");
        assertThat(text("#status")).contains("pushed over WebSocket");
        assertThat(intAttribute("#chart-threads", "data-max")).isEqualTo(THREADS);
        assertThat(intAttribute("#chart-queue", "data-capacity")).isEqualTo(QUEUE_CAPACITY);
        assertThat(text("#config")).contains("4 platform worker threads").contains("queue capacity 6");

        // One exception, from the page's own button: a bar for the worker thread that ran it.
        click("#throw-once");
        wait.until(d -> intAttributeOr("#chart-exceptions", "data-total", 0) >= 1
                && !d.findElements(By.cssSelector("#exception-bars .exception-count")).isEmpty());
        WebElement bar = driver.findElement(By.cssSelector("#exception-bars .exception-count"));
        assertThat(bar.getDomAttribute("data-thread")).startsWith("minihttp-worker-");
        assertThat(Integer.parseInt(bar.getDomAttribute("data-count"))).isGreaterThanOrEqualTo(1);
        JsonNode exceptions = Http.json(Http.get(managementPort, "/actuator/minihttp")).get("exceptions");
        assertThat(exceptions.valueStream().map(e -> e.get("thread").asString()).toList())
                .contains(bar.getDomAttribute("data-thread"));

        // Load from the page's button: more clients than workers + queue places, each request held 4 s.
        int clients = THREADS + QUEUE_CAPACITY + 2;
        type("#load-seconds", "30");
        type("#load-concurrency", Integer.toString(clients));
        type("#load-ms", "4000");
        type("#load-fail", "0");
        click("#generate-load");
        wait.until(d -> "running".equals(attribute("#load-status", "data-state")));
        assertThat(text("#load-status")).contains(clients + " clients").contains("/slow?ms=4000");

        // The page and the server agree: every worker busy, the queue not empty, some 503s.
        int[] agreed = new int[2];
        wait.until(d -> {
            int busy = intAttributeOr("#chart-threads", "data-busy", -1);
            int queue = intAttributeOr("#chart-queue", "data-size", -1);
            try {
                JsonNode server = Http.serverSnapshot(managementPort);
                agreed[0] = busy;
                agreed[1] = queue;
                return busy == THREADS && queue > 0 && text("#busy-value").equals(Integer.toString(busy))
                        && server.get("threadsBusy").asInt() == busy && server.get("queueSize").asInt() == queue;
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(agreed[0]).as("busy threads shown").isEqualTo(intAttribute("#chart-threads", "data-max"))
                .isEqualTo(THREADS);
        assertThat(agreed[1]).as("queue depth shown").isPositive().isLessThanOrEqualTo(QUEUE_CAPACITY);

        wait.until(d -> intAttributeOr("#chart-rejections", "data-total", 0) > 0);
        long rejectedShown = intAttribute("#chart-rejections", "data-total");
        JsonNode server = Http.serverSnapshot(managementPort);
        assertThat(server.get("rejected").get("queue_full").asLong()).as("the server counted at least what the page shows")
                .isGreaterThanOrEqualTo(rejectedShown);

        // Reloading the page while the pool and queue are full: the reserved lane serves it every time,
        // while the load's own requests go on being refused.
        JsonNode before = Http.json(Http.get(managementPort, "/actuator/minihttp"));
        long laneBefore = before.get("reservedLane").get("requests").asLong();
        long rejectedBefore = before.get("snapshot").get("rejected").get("queue_full").asLong();
        for (int i = 0; i < 5; i++) {
            driver.navigate().refresh();
            wait.until(d -> "ok".equals(attribute("#status", "data-state"))
                    && intAttributeOr("#chart-threads", "data-max", -1) == THREADS);
            HttpResponse<String> data = Http.get(port, "/dashboard/config");
            assertThat(data.statusCode()).as("the dashboard's data, load " + i).isEqualTo(200);
        }
        JsonNode after = Http.json(Http.get(managementPort, "/actuator/minihttp"));
        assertThat(after.get("snapshot").get("rejected").get("queue_full").asLong())
                .as("the load was being refused meanwhile").isGreaterThan(rejectedBefore);
        JsonNode lane = after.get("reservedLane");
        // Each round: the page, its /dashboard/config and ours (the browser may take the css and js from its cache).
        assertThat(lane.get("requests").asLong() - laneBefore).as("page loads served by the lane")
                .isGreaterThanOrEqualTo(5 * 3);
        assertThat(lane.get("rejected").size()).as("lane refusals").isZero();

        // The workers table: every worker on /slow (read again if a poll caught one between two requests).
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector("#workers tbody tr"));
            return rows.size() == THREADS && rows.stream().allMatch(row -> row.getText().contains("GET /slow"));
        });

        Thread.sleep(2500); // a few more samples, so the screenshot shows the lines, not a dot
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        log.info("Dashboard screenshot while the pool was saturated: {}", SCREENSHOT.toAbsolutePath());
    }

    private String attribute(String selector, String name) {
        String value = driver.findElement(By.cssSelector(selector)).getDomAttribute(name);
        return value == null ? "" : value;
    }

    private int intAttribute(String selector, String name) {
        return Integer.parseInt(attribute(selector, name));
    }

    private int intAttributeOr(String selector, String name, int fallback) {
        String value = attribute(selector, name);
        return value.isEmpty() ? fallback : Integer.parseInt(value);
    }

    private String text(String selector) {
        return driver.findElement(By.cssSelector(selector)).getText();
    }

    private void click(String selector) {
        driver.findElement(By.cssSelector(selector)).click();
    }

    private void type(String selector, String value) {
        WebElement input = driver.findElement(By.cssSelector(selector));
        input.clear();
        input.sendKeys(value);
    }
}
