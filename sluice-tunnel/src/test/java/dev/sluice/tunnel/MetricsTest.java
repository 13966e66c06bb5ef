package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} on the admin port, in Prometheus text format, after dials that succeed and fail.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetricsTest {

  static final String PREFIX = "konnectivity_network_proxy_server_";

  @Test
  void konnectivityNamesAndCreditCounters() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().adminPort(0).window(64 * 1024))) {
      TunnelServer server = started.server();
      TunnelAgent agent =
          TunnelAgent.builder("127.0.0.1", server.agentPort()).window(64 * 1024).build().start();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      Loopback.Connect ok =
          loopback.connect(server.connectPort(), "127.0.0.1:" + loopback.echoServer());
      assertThat(ok.status()).isEqualTo(200);
      loopback.echo(ok.socket(), 1024 * 1024);
      Loopback.Connect refused =
          loopback.connect(server.connectPort(), "127.0.0.1:" + Loopback.closedPort());
      assertThat(refused.status()).isEqualTo(502);

      String text = scrape(server.adminPort());
      assertThat(value(text, PREFIX + "established_connections")).isEqualTo(1);
      assertThat(value(text, PREFIX + "ready_backends")).isEqualTo(1);
      assertThat(value(text, PREFIX + "ready_backend_connections")).isEqualTo(1);
      assertThat(value(text, PREFIX + "pending_backend_dials")).isZero();
      assertThat(value(text, PREFIX + "dial_duration_seconds_count")).isEqualTo(1);
      assertThat(value(text, PREFIX + "dial_failure_count_total{reason=\"error_response\"}"))
          .isEqualTo(1);
      assertThat(value(text, PREFIX + "dial_failure_count_total{reason=\"no_backend\"}")).isZero();
      assertThat(value(text, "sluice_tunnel_connection_window_bytes")).isEqualTo(64 * 1024);
      // 1 MiB came back from the agent; the client's reading returned it as batched updates.
      double received = value(text, "sluice_tunnel_data_received_bytes_total");
      double updates = value(text, "sluice_tunnel_window_updates_sent_total");
      assertThat(received).isGreaterThanOrEqualTo(1024 * 1024);
      assertThat(updates).isBetween(1.0, received / (32 * 1024));
      assertThat(value(text, "sluice_tunnel_data_sent_bytes_total"))
          .isGreaterThanOrEqualTo(1 << 20);

      agent.close();
      assertThat(server.awaitNoAgents(Duration.ofSeconds(10))).isTrue();
      assertThat(loopback.connect(server.connectPort(), "127.0.0.1:1").status()).isEqualTo(503);
      String after = scrape(server.adminPort());
      assertThat(value(after, PREFIX + "dial_failure_count_total{reason=\"no_backend\"}"))
          .isEqualTo(1);
      assertThat(value(after, PREFIX + "established_connections")).isZero();
      assertThat(value(after, PREFIX + "ready_backends")).isZero();
      // Counters of the closed tunnel are kept.
      assertThat(value(after, "sluice_tunnel_data_received_bytes_total")).isEqualTo(received);
    }
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
    return response.body();
  }

  /** The value of the sample {@code series} (name and labels as exposed). */
  static double value(String text, String series) {
    Matcher matcher =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
    assertThat(matcher.find()).as("a sample of %s in%n%s", series, text).isTrue();
    return Double.parseDouble(matcher.group(1));
  }
}
