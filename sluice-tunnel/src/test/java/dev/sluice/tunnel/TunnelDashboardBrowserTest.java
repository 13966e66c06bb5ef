package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.dashboard.DashboardPage;
import dev.sluice.dashboard.HeadlessChromium;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
 * The tunnel server's dashboard in a real browser (Debian's headless {@code chromium} through
 * {@code chromium-driver}; skipped when either is missing): the page loads without console errors,
 * a connection's bytes move as an echo runs through it and agree with {@code /metrics}, a failed
 * dial shows under its reason, and the gate closes when the agent leaves. One server, one agent and
 * one browser for the class; the tests run in order. With {@code
 * -Dsluice.dashboard.screenshots=DIR} it saves {@code DIR/dashboard-tunnel.png}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TunnelDashboardBrowserTest {

  private static final int ROUND = 256 * 1024;
  private static final String CONNECTION = "#connections tbody tr:not(.others) ";

  private Loopback loopback;
  private TunnelServer server;
  private TunnelAgent agent;
  private ChromeDriver browser;
  private DashboardPage page;

  @BeforeAll
  void start(@TempDir Path profile) throws Exception {
    HeadlessChromium.assumeInstalled();
    loopback = new Loopback();
    server = TunnelServer.builder().adminPort(0).window(64 * 1024).build().start();
    agent = TunnelAgent.builder("127.0.0.1", server.agentPort()).window(64 * 1024).build().start();
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
    browser = HeadlessChromium.start(profile, 1280, 900);
    page = new DashboardPage(browser);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (agent != null) {
      agent.close();
    }
    if (server != null) {
      server.closeAsync(); // not joined: the next test binds a new port
    }
    if (loopback != null) {
      loopback.close();
    }
  }

  @Test
  @Order(1)
  void loadsWithoutConsoleErrors() {
    page.open(server.adminPort());
    assertThat(browser.getTitle()).isEqualTo("Sluice tunnel");
    assertThat(page.text("#connection")).isEqualTo("live");
    assertThat(page.text("#gate")).isEqualTo("1 agent ready");
    assertThat(page.values("#agents tbody tr", "data-agent")).hasSize(1);
    assertThat(page.value("#agents td.connections")).isZero();
    assertThat(page.value("tr[data-reason='ok'] td.count")).isZero();
    assertThat(page.consoleErrors()).isEmpty();
  }

  @Test
  @Order(2)
  void aConnectionsBytesMoveAndAgreeWithMetrics() throws Exception {
    Loopback.Connect connect =
        loopback.connect(server.connectPort(), "127.0.0.1:" + loopback.echoServer());
    assertThat(connect.status()).isEqualTo(200);
    // Each round is echoed in full before the next: the page must show each one.
    for (int round = 1; round <= 3; round++) {
      loopback.echo(connect.socket(), ROUND);
      page.awaitValue(CONNECTION + "td.to-agent", (long) round * ROUND);
      page.awaitValue(CONNECTION + "td.from-agent", (long) round * ROUND);
    }
    assertThat(page.value(CONNECTION + "td.rate")).isPositive();
    assertThat(page.value("#agents td.connections")).isEqualTo(1);

    // Nothing moves now: one more snapshot, and the page and /metrics say the same.
    page.awaitNextSnapshot();
    String metrics = scrape();
    assertThat(page.value(CONNECTION + "td.to-agent")).isEqualTo(3.0 * ROUND);
    assertThat(metric(metrics, "sluice_tunnel_data_sent_bytes_total"))
        .isCloseTo(page.value(CONNECTION + "td.to-agent"), within(1024.0));
    assertThat(metric(metrics, "sluice_tunnel_data_received_bytes_total"))
        .isCloseTo(page.value(CONNECTION + "td.from-agent"), within(1024.0));
    assertThat(metric(metrics, "konnectivity_network_proxy_server_dial_duration_seconds_count"))
        .isEqualTo(page.value("tr[data-reason='ok'] td.count"))
        .isEqualTo(1);
    assertThat(page.consoleErrors()).isEmpty();
    String shots = System.getProperty("sluice.dashboard.screenshots");
    if (shots != null) {
      page.screenshot(Path.of(shots, "dashboard-tunnel.png"));
    }
  }

  @Test
  @Order(3)
  void aFailedDialShowsUnderItsReason() throws Exception {
    assertThat(
            loopback.connect(server.connectPort(), "127.0.0.1:" + Loopback.closedPort()).status())
        .isEqualTo(502);
    page.awaitValue("tr[data-reason='error_response'] td.count", 1);
    assertThat(
            metric(
                scrape(),
                "konnectivity_network_proxy_server_dial_failure_count_total"
                    + "{reason=\"error_response\"}"))
        .isEqualTo(1);
  }

  @Test
  @Order(4)
  void theGateClosesWhenTheAgentLeaves() throws Exception {
    agent.close();
    assertThat(server.awaitNoAgents(Duration.ofSeconds(10))).isTrue();
    page.awaitText("gate", "no agent connected");
    assertThat(page.attribute("#gate", "data-open")).isEqualTo("false");
    assertThat(page.values("#agents tbody tr", "data-agent")).isEmpty();
  }

  private String scrape() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static double metric(String text, String name) {
    Matcher matcher =
        Pattern.compile("^" + Pattern.quote(name) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    assertThat(matcher.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
