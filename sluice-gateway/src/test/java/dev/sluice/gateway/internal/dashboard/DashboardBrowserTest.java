package dev.sluice.gateway.internal.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import dev.sluice.dashboard.DashboardPage;
import dev.sluice.dashboard.HeadlessChromium;
import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import dev.sluice.sim.testbed.ClosedLoop.Streams;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in a real browser (Debian's headless {@code chromium} through {@code
 * chromium-driver}; skipped when either is missing): the page loads without console errors, its
 * numbers move under load and agree with {@code /metrics}, a tenant that starts sending appears,
 * and the page reconnects by itself when the gateway restarts on the same port. One browser, two
 * simulated backends and one gateway for the class; the tests run in order (the last restarts the
 * gateway).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final Pattern DISPATCHED =
      Pattern.compile(
          "sluice_flow_control_requests_total\\{fairness_id=\"alpha\",outcome=\"dispatched\","
              + "priority=\"0\"} (\\S+)");

  private List<SimulatorServer> backends = List.of();
  private Gateway gateway;
  private ChromeDriver browser;
  private DashboardPage page;

  @BeforeAll
  void start(@TempDir Path profile) {
    HeadlessChromium.assumeInstalled();
    backends = ClosedLoop.startBackends(2, 4);
    gateway = startGateway(0);
    browser = HeadlessChromium.start(profile, 1280, 900);
    page = new DashboardPage(browser);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    // Not joined (Netty's 2 s quiet period on each port): every port here is ephemeral.
    backends.forEach(SimulatorServer::closeAsync);
    if (gateway != null) {
      gateway.closeAsync();
    }
  }

  private Gateway startGateway(int adminPort) {
    String urls =
        String.join(", ", ClosedLoop.urls(backends).stream().map(Object::toString).toList());
    GatewayConfig config =
        GatewayConfig.parse(
            "server: {port: 0, gracefulShutdown: 1s}\n"
                + "admin: {port: "
                + adminPort
                + "}\n"
                + "backends: ["
                + urls
                + "]\n");
    return Gateway.builder(config).build().start();
  }

  @Test
  @Order(1)
  void loadsWithoutConsoleErrors() {
    page.open(gateway.adminPort());
    assertThat(browser.getTitle()).isEqualTo("Sluice gateway");
    assertThat(browser.findElement(By.id("connection")).getText()).isEqualTo("live");
    assertThat(browser.findElement(By.id("gate")).getText()).startsWith("gate open");
    assertThat(browser.findElements(By.cssSelector("#endpoints tbody tr"))).hasSize(2);
    assertThat(page.consoleErrors()).isEmpty();
  }

  @Test
  @Order(2)
  void numbersMoveUnderLoadAndAgreeWithMetrics() {
    CompletableFuture<?> load = load("alpha", 6, Duration.ofSeconds(8));
    long first = page.awaitValue("tr[data-flow='alpha/0'] td.dispatched", 1);
    long later = page.awaitValue("tr[data-flow='alpha/0'] td.dispatched", first + 1);
    assertThat(later).isGreaterThan(first);
    assertThat(page.value("tr[data-flow='alpha/0'] td.rate")).isPositive();
    assertThat(page.value("tr[data-priority='0'] td.rate")).isPositive();

    // The page shows a snapshot at most one interval old: take a fresh one, then scrape. The page
    // replaces its rows on every snapshot, so both numbers are read in one script.
    page.awaitNextSnapshot();
    List<?> row =
        (List<?>)
            browser.executeScript(
                "var r = document.querySelector(\"tr[data-flow='alpha/0']\");"
                    + "return [r.querySelector('td.dispatched').dataset.value,"
                    + " r.querySelector('td.rate').dataset.value];");
    double onPage = Double.parseDouble(String.valueOf(row.get(0)));
    double rate = Double.parseDouble(String.valueOf(row.get(1)));
    double scraped = scrapeDispatched();
    assertThat(scraped).isGreaterThanOrEqualTo(onPage);
    // What alpha can have dispatched in the two intervals since the snapshot was taken, and then
    // some for a rate that is smoothed.
    assertThat(scraped - onPage).isLessThanOrEqualTo(Math.max(10, 4 * rate));
    assertThat(page.consoleErrors()).isEmpty();
    load.join();
  }

  @Test
  @Order(3)
  void aTenantThatStartsSendingAppears() {
    assertThat(browser.findElements(By.cssSelector("tr[data-flow='gamma/0']"))).isEmpty();
    CompletableFuture<?> load = load("gamma", 2, Duration.ofSeconds(3));
    page.awaitValue("tr[data-flow='gamma/0'] td.dispatched", 1);
    assertThat(page.text("tr[data-flow='gamma/0'] td.tenant")).isEqualTo("gamma");
    load.join();
  }

  @Test
  @Order(4)
  void reconnectsWhenTheGatewayRestartsOnTheSamePort() {
    int adminPort = gateway.adminPort();
    long before = page.snapshots();
    gateway.close();
    page.awaitText("connection", "reconnecting");
    gateway = startGateway(adminPort);
    page.awaitText("connection", "live");
    page.awaitSnapshots(before + 1);
    // A fresh gateway: tenants from before the restart are gone; a new one shows up again.
    CompletableFuture<?> load = load("delta", 2, Duration.ofSeconds(3));
    page.awaitValue("tr[data-flow='delta/0'] td.dispatched", 1);
    load.join();
  }

  private CompletableFuture<?> load(String tenant, int streams, Duration duration) {
    int port = gateway.port();
    return CompletableFuture.runAsync(
        () ->
            ClosedLoop.run(
                port,
                duration,
                4,
                List.of(new Streams(ClosedLoop.tenant(tenant, null, 0, 32, 24), streams))));
  }

  private double scrapeDispatched() {
    String metrics =
        WebClient.of("http://127.0.0.1:" + gateway.adminPort())
            .blocking()
            .get("/metrics")
            .contentUtf8();
    Matcher matcher = DISPATCHED.matcher(metrics);
    assertThat(matcher.find()).as("alpha's dispatched counter in /metrics").isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
