package org.vvmhost.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real browser for tests: Debian's headless {@code chromium} driven through its {@code chromium-driver}, both named
 * explicitly so that Selenium never looks for or downloads a browser of its own; a fresh profile each time, and no
 * background traffic.
 */
final class Browser {

    /** Set to 1 (CI does) to fail instead of skip when the browser is not installed. */
    static final String REQUIRE = "VVM_REQUIRE_BROWSER";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {
    }

    /** Skips the test without the browser, or fails it under {@value #REQUIRE}=1. */
    static void require() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String message = "no browser: apt-get install chromium chromium-driver";
        if ("1".equals(System.getenv(REQUIRE))) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
    }

    /** A browser whose window is {@code width} × {@code height}, with its profile in {@code profile}. */
    static ChromeDriver start(Path profile, int width, int height) {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new",
                "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height, "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
