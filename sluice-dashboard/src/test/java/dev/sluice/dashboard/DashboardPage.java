package dev.sluice.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard page in a {@link HeadlessChromium}, as the products' browser tests read it: the
 * count of snapshots rendered ({@code #updated}'s {@code data-seq}), cells' {@code data-value}s,
 * the badges. Every read is one script, so a row the page replaces meanwhile cannot go stale
 * between finding it and reading it. Waits poll the page up to {@link #WAIT}. Not thread-safe.
 */
public final class DashboardPage {

  /** How long a wait for the page lasts before the test fails. */
  public static final Duration WAIT = Duration.ofSeconds(10);

  private final ChromeDriver browser;

  /** The page as {@code browser} shows it. */
  public DashboardPage(ChromeDriver browser) {
    this.browser = browser;
  }

  /** Opens the page at {@code http://127.0.0.1:port/} and waits for its first snapshot. */
  public DashboardPage open(int port) {
    browser.get("http://127.0.0.1:" + port + "/");
    awaitSnapshots(1);
    return this;
  }

  /** The browser. */
  public ChromeDriver browser() {
    return browser;
  }

  /** Snapshots rendered since the page loaded. */
  public long snapshots() {
    return (long) Double.parseDouble(String.valueOf(attribute("#updated", "data-seq")));
  }

  /** Waits until the page rendered at least {@code count} snapshots. */
  public void awaitSnapshots(long count) {
    awaitValue("#updated", "data-seq", count);
  }

  /** Waits for one more snapshot than rendered now: the page then shows numbers taken after now. */
  public void awaitNextSnapshot() {
    awaitSnapshots(snapshots() + 1);
  }

  /**
   * Waits until the cell {@code css} exists with a {@code data-value} of at least {@code atLeast}.
   */
  public long awaitValue(String css, long atLeast) {
    return awaitValue(css, "data-value", atLeast);
  }

  private long awaitValue(String css, String attribute, long atLeast) {
    return new WebDriverWait(browser, WAIT)
        .until(
            d -> {
              String text = attribute(css, attribute);
              long value = text == null ? -1 : (long) Double.parseDouble(text);
              return value >= atLeast ? value : null;
            });
  }

  /** The {@code data-value} of the cell {@code css} now. */
  public double value(String css) {
    String text = attribute(css, "data-value");
    if (text == null) {
      throw new AssertionError("no data-value at " + css);
    }
    return Double.parseDouble(text);
  }

  /** The text of the element {@code css} now, or null if there is none. */
  public @Nullable String text(String css) {
    Object value =
        browser.executeScript(
            "var e = document.querySelector(arguments[0]);"
                + " return e === null ? null : e.textContent;",
            css);
    return value == null ? null : value.toString();
  }

  /** Waits until the element {@code id} says {@code text}. */
  public void awaitText(String id, String text) {
    new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.id(id)).getText().equals(text));
  }

  /** The values of {@code attribute} of the elements {@code css} selects, in one script. */
  public List<?> values(String css, String attribute) {
    return (List<?>)
        browser.executeScript(
            "var name = arguments[1];"
                + " return Array.from(document.querySelectorAll(arguments[0]))"
                + ".map(function (e) { return e.getAttribute(name); });",
            css,
            attribute);
  }

  /** {@code attribute} of the element {@code css} selects now, or null. */
  public @Nullable String attribute(String css, String attribute) {
    Object value =
        browser.executeScript(
            "var e = document.querySelector(arguments[0]);"
                + " return e === null ? null : e.getAttribute(arguments[1]);",
            css,
            attribute);
    return value == null ? null : value.toString();
  }

  /** The console errors since the last call. */
  public List<String> consoleErrors() {
    return HeadlessChromium.consoleErrors(browser);
  }

  /** Saves a screenshot of the page to {@code output}. */
  public void screenshot(Path output) {
    try {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.write(output, browser.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + output, e);
    }
  }
}
