package dev.minihttp.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minihttp.boot.MiniHttpWebServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * STOMP over WebSocket in a real browser, two pages: Debian's headless Chromium (through Debian's
 * chromedriver, as {@link DashboardBrowserTest}) opens {@code /chat.html} in two tabs; each
 * connects with STOMP, subscribes to {@code /topic/chat}, and what one sends reaches both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "management.server.port=0")
class ChatBrowserTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    @LocalServerPort
    int port;

    @Autowired
    WebServerApplicationContext context;

    private Path profile;
    private ChromeDriverService service;
    private WebDriver driver;

    @BeforeEach
    void startBrowser() throws IOException {
        boolean installed = CHROMIUM.canExecute() && CHROMEDRIVER.canExecute();
        assumeTrue(installed, "ChatBrowserTest SKIPPED: it needs Debian's chromium and chromium-driver "
                + "(/usr/bin/chromium, /usr/bin/chromedriver); .ci/run installs them");
        profile = Files.createTempDirectory("chat-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding", "--user-data-dir=" + profile.toAbsolutePath());
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
    void twoPagesSubscribeAndBothReceiveWhatEitherSends() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(100));
        String alice = open("alice", wait);
        driver.switchTo().newWindow(WindowType.TAB);
        String bob = open("bob", wait);
        MiniHttpWebServer server = (MiniHttpWebServer) context.getWebServer();
        assertThat(server.webSocketStats().sessions()).as("two STOMP sessions over WebSocket").isGreaterThanOrEqualTo(2);
        // Chromium offered permessage-deflate (with client_max_window_bits) and minihttp took it.
        assertThat(driver.findElement(By.tagName("body")).getDomAttribute("data-extensions")).isEqualTo("permessage-deflate");

        say("hello from bob");
        wait.until(d -> messages().contains("bob: hello from bob"));
        driver.switchTo().window(alice);
        wait.until(d -> messages().contains("bob: hello from bob"));
        // Alice was there first: she saw herself and then Bob join.
        assertThat(messages()).contains("alice joined", "bob joined");

        say("hi bob");
        wait.until(d -> messages().contains("alice: hi bob"));
        driver.switchTo().window(bob);
        wait.until(d -> messages().contains("alice: hi bob"));
        // Bob's page: his join, his message and Alice's, in the order the broker sent them.
        assertThat(messages()).containsSubsequence("bob joined", "bob: hello from bob", "alice: hi bob");
        assertThat(server.webSocketStats().messagesIn()).isGreaterThanOrEqualTo(6); // 2 CONNECT, 2 SUBSCRIBE, joins, 2 SEND
    }

    /** Loads the page as {@code name} in the current tab and waits until its own join came back (subscribed). */
    private String open(String name, WebDriverWait wait) {
        driver.get("http://localhost:" + port + "/chat.html?name=" + name);
        wait.until(d -> "subscribed".equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
        return driver.getWindowHandle();
    }

    private void say(String text) {
        WebElement input = driver.findElement(By.id("text"));
        input.sendKeys(text);
        driver.findElement(By.id("send")).click();
    }

    private List<String> messages() {
        return driver.findElements(By.cssSelector("#messages .message")).stream().map(WebElement::getText).toList();
    }
}
