package dev.sluice.dashboard;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's {@code chromium}, headless, driven through Debian's {@code chromium-driver}: both paths
 * are set explicitly, so Selenium Manager never looks for (or downloads) a browser or a driver.
 * Runs as root in CI, hence {@code --no-sandbox}; a fresh profile and no background networking, so
 * the browser talks to nothing but the page under test. Shared by the products' dashboard tests
 * through this module's test jar. Not thread-safe.
 */
public final class HeadlessChromium {

  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /** Skips the calling test unless both Debian packages are installed. */
  public static void assumeInstalled() {
    Assumptions.assumeTrue(
        Files.isExecutable(BROWSER),
        "needs the Debian package chromium (" + BROWSER + "): apt-get install chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(DRIVER),
        "needs the Debian package chromium-driver ("
            + DRIVER
            + "): apt-get install chromium-driver");
  }

  /** Starts a browser with a fresh profile in {@code profile}, window {@code width x height}. */
  public static ChromeDriver start(Path profile, int width, int height) {
    // Both set: Selenium resolves neither through Selenium Manager.
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + profile.toAbsolutePath(),
        "--window-size=" + width + "," + height);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }

  /** The console messages at {@code SEVERE} since the last call (reading them clears them). */
  public static List<String> consoleErrors(ChromeDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }
}
