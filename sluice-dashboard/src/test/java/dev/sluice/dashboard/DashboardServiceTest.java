package dev.sluice.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sluice.testing.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The routes {@link DashboardService} adds: the page and its assets from this jar. */
class DashboardServiceTest {

  private final ManualClock clock = new ManualClock();
  private DashboardService dashboard;
  private Server server;
  private BlockingWebClient client;

  @BeforeEach
  void start() {
    ServerBuilder builder = Server.builder().http(0);
    dashboard =
        DashboardService.addTo(builder, () -> new Snapshot("t").json(), clock, Runnable::run);
    server = builder.build();
    server.start().join();
    client = WebClient.of("http://127.0.0.1:" + server.activeLocalPort()).blocking();
  }

  @AfterEach
  void stop() {
    dashboard.close();
    server.stop(); // not joined (Netty's 2 s quiet period): the next test binds a new port
  }

  @Test
  void servesThePageAndItsAssetsFromTheJar() {
    AggregatedHttpResponse page = client.get("/");
    assertThat(page.status()).isEqualTo(HttpStatus.OK);
    assertThat(page.contentType().toString()).startsWith("text/html");
    assertThat(page.contentUtf8())
        .contains("/dashboard/dashboard.js")
        .contains("/dashboard/dashboard.css")
        .doesNotContain("http://", "https://"); // no CDN: works offline
    assertThat(client.get("/dashboard/dashboard.js").contentUtf8()).contains("EventSource");
    assertThat(client.get("/dashboard/dashboard.css").status()).isEqualTo(HttpStatus.OK);
    assertThat(client.get("/dashboard/missing.js").status()).isEqualTo(HttpStatus.NOT_FOUND);
    assertThat(dashboard.subscribers()).isZero();
  }
}
