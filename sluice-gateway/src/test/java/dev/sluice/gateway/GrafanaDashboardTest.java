package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import dev.sluice.sim.testbed.ClosedLoop.Streams;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/grafana/sluice.json} names only series the gateway exports: every PromQL expression's
 * metric names are found in {@code /metrics} of a running gateway after some traffic (dispatched
 * requests and a refusal).
 */
class GrafanaDashboardTest {

  private static final Path BOARD = Path.of("..", "docs", "grafana", "sluice.json");

  /** PromQL words that are not metric names. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "sum",
          "avg",
          "min",
          "max",
          "count",
          "topk",
          "bottomk",
          "rate",
          "irate",
          "increase",
          "histogram_quantile",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "clamp_min",
          "clamp_max",
          "abs",
          "offset",
          "bool");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @Test
  void everyExpressionNamesASeriesTheGatewayExports() throws IOException {
    List<String> expressions = expressions(new ObjectMapper().readTree(BOARD.toFile()));
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(15);
    Set<String> used = new TreeSet<>();
    expressions.forEach(expr -> used.addAll(metricNames(expr)));
    assertThat(used)
        .contains(
            "sluice_flow_control_queue_size",
            "sluice_flow_control_request_queue_duration_seconds_bucket",
            "sluice_flow_control_requests_total",
            "sluice_flow_control_pool_saturation",
            "sluice_endpoint_kv_cache_utilization");

    Set<String> exported = exportedAfterTraffic();
    assertThat(exported).as("series in /metrics").containsAll(used);
  }

  @Test
  void metricNamesLeaveOutFunctionsLabelsAndRanges() {
    assertThat(
            metricNames(
                "topk(10, histogram_quantile(0.99, sum by (le, fairness_id) (rate(a_bucket"
                    + "{outcome=\"x y\"}[$__rate_interval])))) / ignoring (fairness_id) "
                    + "group_left sum by (priority) (b_total)"))
        .containsExactlyInAnyOrder("a_bucket", "b_total");
  }

  private static List<String> expressions(JsonNode board) {
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : board.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.get("expr").asText());
      }
    }
    return expressions;
  }

  /** The metric names in a PromQL expression. */
  static Set<String> metricNames(String expr) {
    String bare =
        expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll(
                "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " $1 ");
    Set<String> names = new TreeSet<>();
    Matcher matcher = IDENTIFIER.matcher(bare);
    while (matcher.find()) {
      String word = matcher.group();
      if (!KEYWORDS.contains(word) && !word.matches("\\d.*")) {
        names.add(word);
      }
    }
    return names;
  }

  private static Set<String> exportedAfterTraffic() {
    List<SimulatorServer> backends = ClosedLoop.startBackends(1, 4);
    Gateway gateway =
        Gateway.builder(
                GatewayConfig.parse(
                    "server: {port: 0}\nadmin: {port: 0}\nbackends: ["
                        + ClosedLoop.urls(backends).get(0)
                        + "]\n"))
            .build()
            .start();
    try {
      Await.until("the backend scraped", gateway.pool()::hasFreshEndpoint);
      ClosedLoop.run(
          gateway.port(),
          Duration.ofSeconds(4),
          4,
          List.of(new Streams(ClosedLoop.tenant("grafana", null, 0, 16, 8), 2)));
      BlockingWebClient client = WebClient.of("http://127.0.0.1:" + gateway.port()).blocking();
      assertThat(
              client
                  .prepare()
                  .post("/v1/chat/completions")
                  .content(MediaType.JSON, "{}")
                  .execute()
                  .status())
          .isEqualTo(HttpStatus.BAD_REQUEST);
      String metrics =
          WebClient.of("http://127.0.0.1:" + gateway.adminPort())
              .blocking()
              .get("/metrics")
              .contentUtf8();
      Set<String> names = new TreeSet<>();
      metrics
          .lines()
          .filter(line -> !line.startsWith("#") && !line.isBlank())
          .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
      return names;
    } finally {
      GatewayFixture.stopWithoutWaiting(gateway, backends);
    }
  }
}
