package dev.sluice.gateway.internal.dashboard;

import dev.sluice.dashboard.HeadlessChromium;
import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import dev.sluice.sim.testbed.ClosedLoop.Streams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Makes {@code docs/img/dashboard.png}: the demo's gateway (three simulated servers, the demo's
 * four tenants and objectives) under the demo's load, the dashboard in headless Chromium after
 * {@value #SNAPSHOTS} snapshots. Run once by hand, from the repository root:
 *
 * <pre>{@code
 * ./mvnw -o -q -pl sluice-gateway -am test-compile \
 *     org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
 *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp sluice-gateway/target/test-classes:sluice-gateway/target/classes:$(cat /tmp/cp.txt) \
 *     dev.sluice.gateway.internal.dashboard.DashboardScreenshot docs/img/dashboard.png
 * }</pre>
 *
 * }</pre>
 */
public final class DashboardScreenshot {

  static final int SNAPSHOTS = 15;

  private DashboardScreenshot() {}

  /** {@code DashboardScreenshot OUTPUT.png}. */
  public static void main(String[] args) throws IOException {
    Path output = Path.of(args.length > 0 ? args[0] : "docs/img/dashboard.png");
    HeadlessChromium.assumeInstalled();
    List<SimulatorServer> backends = ClosedLoop.startBackends(3, 1);
    Path profile = Files.createTempDirectory("sluice-chromium");
    String urls =
        String.join(", ", ClosedLoop.urls(backends).stream().map(Object::toString).toList());
    GatewayConfig config =
        GatewayConfig.parse(
            "server: {port: 0, gracefulShutdown: 1s}\nadmin: {port: 0}\n"
                + "objectives: {premium: 10, standard: 0, batch: -1}\nbackends: ["
                + urls
                + "]\n");
    ChromeDriver browser = HeadlessChromium.start(profile, 1280, 1000);
    try (Gateway gateway = Gateway.builder(config).build().start()) {
      List<Streams> tenants =
          List.of(
              new Streams(ClosedLoop.tenant("premium", "premium", 10, 32, 16), 2),
              new Streams(ClosedLoop.tenant("standard-a", "standard", 0, 64, 40), 2),
              new Streams(ClosedLoop.tenant("standard-b", "standard", 0, 64, 40), 6),
              new Streams(ClosedLoop.tenant("batch", "batch", -1, 64, 80), 16));
      CompletableFuture<?> load =
          CompletableFuture.runAsync(
              () -> ClosedLoop.run(gateway.port(), Duration.ofSeconds(25), 1, tenants));
      browser.get("http://127.0.0.1:" + gateway.adminPort() + "/");
      new WebDriverWait(browser, Duration.ofSeconds(60))
          .until(
              d ->
                  Integer.parseInt(d.findElement(By.id("updated")).getDomAttribute("data-seq"))
                      >= SNAPSHOTS);
      Files.createDirectories(output.toAbsolutePath().getParent());
      Files.write(output, browser.getScreenshotAs(OutputType.BYTES));
      System.out.println("wrote " + output);
      load.join();
    } finally {
      browser.quit();
      ClosedLoop.stop(backends);
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }
}
