package dev.sluice.pipeline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.WebClient;
import dev.sluice.dashboard.DashboardPage;
import dev.sluice.dashboard.HeadlessChromium;
import dev.sluice.pipeline.AckOutcome;
import dev.sluice.pipeline.CommitOutcome;
import dev.sluice.pipeline.ItemLease;
import dev.sluice.pipeline.Pipeline;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.ResultLease;
import dev.sluice.pipeline.ResultRef;
import dev.sluice.pipeline.WorkItem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The pipeline's dashboard in a real browser (Debian's headless {@code chromium} through {@code
 * chromium-driver}; skipped when either is missing): the page loads without console errors, and as
 * items are added, leased, committed past the high watermark and acked, its counts, bytes,
 * producers and latch follow and agree with {@code /metrics}. One pipeline, one server and one
 * browser for the class; the tests run in order. With {@code -Dsluice.dashboard.screenshots=DIR} it
 * saves {@code DIR/dashboard-pipeline.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineDashboardBrowserTest {

  private static final int ITEMS = 10;
  private static final long RESULT_BYTES = 600;

  private Pipeline pipeline;
  private PipelineServer server;
  private ChromeDriver browser;
  private DashboardPage page;

  @BeforeAll
  void start(@TempDir Path profile) {
    HeadlessChromium.assumeInstalled();
    // The system clock: the page's snapshots are timed by the pipeline's scheduler.
    pipeline =
        Pipeline.create(
            PipelineConfig.builder().watermarks(1000, 2000).maxResidentBytes(4000).build());
    server = PipelineServer.start(pipeline, HttpSettings.loopback());
    browser = HeadlessChromium.start(profile, 1280, 1100);
    page = new DashboardPage(browser);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.closeAsync();
    }
    if (pipeline != null) {
      pipeline.close();
    }
  }

  @Test
  @Order(1)
  void loadsWithoutConsoleErrors() {
    page.open(server.adminPort());
    assertThat(browser.getTitle()).isEqualTo("Sluice pipeline");
    assertThat(page.text("#connection")).isEqualTo("live");
    assertThat(page.text("#gate")).isEqualTo("producers admitted (latch open)");
    assertThat(page.value("tr[data-count='added'] td.value")).isZero();
    assertThat(page.consoleErrors()).isEmpty();
  }

  @Test
  @Order(2)
  void theLatchClosesPastTheHighWatermarkAndTheNumbersAgreeWithMetrics() {
    List<WorkItem> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new WorkItem("item-" + i, "payload " + i));
    }
    pipeline.add(items);
    page.awaitValue("tr[data-count='added'] td.value", ITEMS);
    assertThat(page.value("tr[data-count='pending'] td.value")).isEqualTo(ITEMS);

    List<ItemLease> leases = pipeline.lease("worker-a", 4).leases();
    assertThat(leases).hasSize(4);
    assertThat(pipeline.lease("worker-b", 1).leases()).hasSize(1);
    page.awaitValue("tr[data-worker='worker-a'] td.leases", 4);
    assertThat(page.value("tr[data-worker='worker-b'] td.leases")).isEqualTo(1);

    // Four results of 600 bytes: 2400 resident passes the high watermark (2000).
    for (ItemLease lease : leases) {
      assertThat(
              pipeline.commit(
                  "worker-a", lease.leaseId(), new ResultRef("r-" + lease.itemId(), RESULT_BYTES)))
          .isEqualTo(CommitOutcome.COMMITTED);
    }
    page.awaitText("gate", "producers paused (latch closed)");
    page.awaitValue("tr[data-bytes='resident'] td.value", 4 * RESULT_BYTES);
    assertThat(page.value("tr[data-count='committed'] td.value")).isEqualTo(4);

    // Nothing moves now: one more snapshot, and the page and /metrics say the same.
    page.awaitNextSnapshot();
    String metrics = scrape();
    assertThat(metric(metrics, "sluice_pipeline_resident_bytes"))
        .isEqualTo(page.value("tr[data-bytes='resident'] td.value"));
    assertThat(metric(metrics, "sluice_pipeline_items_added_total"))
        .isEqualTo(page.value("tr[data-count='added'] td.value"));
    assertThat(metric(metrics, "sluice_pipeline_items_leased"))
        .isEqualTo(page.value("tr[data-count='leased'] td.value"))
        .isEqualTo(1);
    assertThat(metric(metrics, "sluice_pipeline_paused")).isEqualTo(1);
    assertThat(page.attribute("#gate", "data-open")).isEqualTo("false");
    assertThat(page.consoleErrors()).isEmpty();
    String shots = System.getProperty("sluice.dashboard.screenshots");
    if (shots != null) {
      page.screenshot(Path.of(shots, "dashboard-pipeline.png"));
    }
  }

  @Test
  @Order(3)
  void ackingReopensTheLatch() {
    List<ResultLease> results = pipeline.leaseResults("consumer", 10);
    assertThat(results).hasSize(4);
    for (ResultLease result : results) {
      assertThat(pipeline.ack("consumer", result.leaseId())).isEqualTo(AckOutcome.ACKED);
    }
    page.awaitText("gate", "producers admitted (latch open)");
    page.awaitValue("tr[data-count='acked'] td.value", 4);
    assertThat(page.value("tr[data-bytes='resident'] td.value")).isZero();
    assertThat(metric(scrape(), "sluice_pipeline_results_acked_total")).isEqualTo(4);
  }

  private String scrape() {
    return WebClient.of("http://127.0.0.1:" + server.adminPort())
        .blocking()
        .get("/metrics")
        .contentUtf8();
  }

  private static double metric(String text, String name) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertThat(matcher.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
