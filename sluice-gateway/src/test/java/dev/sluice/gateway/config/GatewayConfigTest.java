package dev.sluice.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.sluice.flow.BandConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

  @Test
  void emptyDocumentGivesTheDocumentedDefaults() {
    GatewayConfig config = GatewayConfig.parse("");
    assertThat(config.server())
        .isEqualTo(
            new GatewayConfig.Server(
                "127.0.0.1",
                8080,
                16 * 1024 * 1024,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Math.max(16 * 1024 * 1024, Runtime.getRuntime().maxMemory() / 4)));
    assertThat(config.admin()).isEqualTo(new GatewayConfig.Admin("127.0.0.1", 9090));
    assertThat(config.identity().fairnessIdHeaders())
        .containsExactly("x-gateway-inference-fairness-id", "x-llm-d-inference-fairness-id");
    assertThat(config.identity().defaultFairnessId()).isEqualTo("default-flow");
    assertThat(config.identity().priorityHeader()).isNull();
    assertThat(config.saturation().detector()).isEqualTo(SaturationConfig.Detector.SLOTS);
    assertThat(config.saturation().slotHold()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.saturation().scrapeInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.saturation().staleness()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.flowControl().defaultTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.noEndpointTtl()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.metrics().fairnessIdLabelLimit()).isEqualTo(1000);
    assertThat(config.metrics().fairnessIdLabelMaxLength()).isEqualTo(64);
    assertThat(config.priorityOf("anything")).isZero();
  }

  @Test
  void readsBandsPoliciesAndObjectives() {
    GatewayConfig config =
        GatewayConfig.parse(
            """
        backends: [http://127.0.0.1:8001, {url: "http://127.0.0.1:8002", metricsPath: /m}]
        objectives: {premium: 10, batch: -1}
        flowControl:
          shards: 2
          usageLimit: priority-holdback
          bands:
            - {priority: 0, maxRequests: 7, fairness: weighted-fair, ordering: slo-deadline}
        """);
    assertThat(config.backends())
        .extracting(GatewayConfig.Backend::name)
        .containsExactly("127.0.0.1:8001", "127.0.0.1:8002");
    assertThat(config.backends().get(1).metricsPath()).isEqualTo("/m");
    assertThat(config.priorityOf("batch")).isEqualTo(-1);
    BandConfig band = config.flowControl().bands().get(0);
    assertThat(band.maxRequests()).isEqualTo(7);
    assertThat(band.fairness().name()).isEqualTo("weighted-fair");
    assertThat(config.flowControl().shards()).isEqualTo(2);
  }

  @Test
  void preemptionIsOffByDefaultAndOnForTheBandsThatAskForIt() {
    assertThat(GatewayConfig.parse("").saturation().preempt()).isEmpty();
    GatewayConfig config =
        GatewayConfig.parse(
            "flowControl: {bands: [{priority: 10, preempt: true}, {priority: 5, preempt: false},"
                + " {priority: 0}]}");
    assertThat(config.saturation().preempt()).containsExactly(10);

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    "flowControl: {defaultBand: {preempt: true}, bands: [{priority: 1, preempt:"
                        + " maybe}]}"));
    assertThat(e.errors())
        .anySatisfy(error -> assertThat(error).startsWith("flowControl.defaultBand.preempt:"))
        .anySatisfy(error -> assertThat(error).startsWith("flowControl.bands[0].preempt:"));
  }

  @Test
  void namesThePathOfEveryBadValueAtOnce() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    """
        server: {port: 70000, prot: 1}
        backends: ["ftp://x", {url: "http://127.0.0.1:8001"}, "http://127.0.0.1:8001"]
        objectives: {premium: high}
        saturation: {detector: magic, staleness: -1s, kvCacheUtilThreshold: 2}
        flowControl:
          defaultTtl: soon
          bands:
            - {priority: 0}
            - {priority: 1, maxRequests: -3, fairness: lottery}
        """));
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "server.port: 70000 (expected 0 to 65535)",
            "server.prot: unknown key (expected one of: host, port, maxRequestBytes, gracefulShutdown, retryAfter, requestBodyTimeout, maxBufferedRequestBytes)",
            "backends[0].url: 'ftp://x' (expected http://host:port with no path, e.g. http://127.0.0.1:8001)",
            "backends[2].url: 'http://127.0.0.1:8001' (expected unique; 127.0.0.1:8001 is listed twice)",
            "objectives.premium: 'high' (expected an integer priority; negative = sheddable)",
            "saturation.detector: 'magic' (expected one of: slots, utilization, concurrency)",
            "saturation.staleness: '-1s' (expected a duration > 0 such as 50ms, 2s, 1m)",
            "saturation.kvCacheUtilThreshold: 2.0 (expected in (0, 1])",
            "flowControl.defaultTtl: 'soon' (expected a duration >= 0 such as 50ms, 2s, 1m)",
            "flowControl.bands[1].fairness: 'lottery' (expected: one of round-robin, global-strict, weighted-fair)",
            "flowControl.bands[1].maxRequests: -3 (expected: >= 0, 0 = unlimited)");
    assertThat(e.getMessage()).contains("flowControl.bands[1].maxRequests: -3");
  }

  @Test
  void readsTheRequestBodyLimitsAndChecksThemAgainstEachOther() {
    GatewayConfig config =
        GatewayConfig.parse(
            "server: {maxRequestBytes: 2048, requestBodyTimeout: 200ms, maxBufferedRequestBytes: 4096}");
    assertThat(config.server().requestBodyTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.server().maxBufferedRequestBytes()).isEqualTo(4096);
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () ->
                GatewayConfig.parse(
                    "server: {maxRequestBytes: 2048, requestBodyTimeout: -1s, maxBufferedRequestBytes: 1024}"));
    assertThat(e.errors())
        .containsExactlyInAnyOrder(
            "server.requestBodyTimeout: '-1s' (expected a duration >= 0 such as 50ms, 2s, 1m)",
            "server.maxBufferedRequestBytes: 1024 (expected >= server.maxRequestBytes, 2048)");
  }

  @Test
  void reportsYamlSyntaxErrorsWithTheLine() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> GatewayConfig.parse("server: {port: 1\nadmin: ["));
    assertThat(e.errors()).singleElement().asString().startsWith("yaml: ").contains("line");
  }

  @Test
  void everyExampleConfigIsValid() throws IOException {
    Path examples = Path.of("../examples");
    List<Path> files;
    try (Stream<Path> list = Files.list(examples)) {
      files = list.filter(p -> p.toString().endsWith(".yaml")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      assertThat(GatewayConfig.load(file).backends()).as(file.toString()).isNotEmpty();
    }
  }
}
