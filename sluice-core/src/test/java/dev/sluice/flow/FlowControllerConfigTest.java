package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.UtilizationDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Defaults are what the Javadoc says, and validation reports every error at once. */
class FlowControllerConfigTest {

  @Test
  void defaultsAreTheDocumentedValues() {
    FlowControllerConfig config = FlowControllerConfig.builder().build();
    assertThat(config.maxBytes()).isZero();
    assertThat(config.maxRequests()).isZero();
    assertThat(config.defaultTtl()).isEqualTo(Duration.ZERO);
    assertThat(config.displacement()).isTrue().isEqualTo(FlowControllerConfig.DEFAULT_DISPLACEMENT);
    assertThat(config.rejectSheddableWhenSaturated())
        .isFalse()
        .isEqualTo(FlowControllerConfig.DEFAULT_REJECT_SHEDDABLE_WHEN_SATURATED);
    assertThat(config.shards()).isEqualTo(1).isEqualTo(FlowControllerConfig.DEFAULT_SHARDS);
    assertThat(config.flowIdleTimeout())
        .isEqualTo(Duration.ofMinutes(5))
        .isEqualTo(Duration.ofSeconds(FlowControllerConfig.DEFAULT_FLOW_IDLE_TIMEOUT_SECONDS));
    assertThat(config.bandIdleTimeout())
        .isEqualTo(Duration.ofMinutes(10))
        .isEqualTo(Duration.ofSeconds(FlowControllerConfig.DEFAULT_BAND_IDLE_TIMEOUT_SECONDS));
    assertThat(config.bands()).extracting(BandConfig::priority).containsExactly(0);
    assertThat(config.usageLimitPolicy().name()).isEqualTo("static");
    assertThat(config.usageLimitPolicy().ceiling(0.5, 3, 4)).isEqualTo(1.0);
    assertThat(config.saturationDetector()).isInstanceOf(ConcurrencyDetector.class);
    assertThat(config.listener()).isSameAs(FlowControlListener.NO_OP);

    for (BandConfig band :
        List.of(config.bands().get(0), config.defaultBand(), config.defaultSheddableBand())) {
      assertThat(band.maxBytes()).isEqualTo(1_000_000_000L).isEqualTo(BandConfig.DEFAULT_MAX_BYTES);
      assertThat(band.maxRequests()).isEqualTo(5000).isEqualTo(BandConfig.DEFAULT_MAX_REQUESTS);
      assertThat(band.maxFlowBytes()).isZero();
      assertThat(band.maxFlowRequests()).isZero();
      assertThat(band.fairness()).isSameAs(FairnessPolicy.weightedFair());
      assertThat(band.ordering()).isSameAs(OrderingPolicy.fcfs());
      assertThat(band.queue()).as("fcfs resolves to the list queue").isSameAs(QueueFactory.list());
    }
    assertThat(FlowRequest.of(FlowKey.of("t")).cost())
        .isEqualTo(1)
        .isEqualTo(FlowRequest.DEFAULT_COST);
  }

  @Test
  void detectorDefaultsAreGies() {
    assertThat(ConcurrencyDetector.DEFAULT_MAX_REQUESTS).isEqualTo(100);
    assertThat(UtilizationDetector.DEFAULT_QUEUE_DEPTH_THRESHOLD).isEqualTo(5);
    assertThat(UtilizationDetector.DEFAULT_KV_CACHE_UTIL_THRESHOLD).isEqualTo(0.8);
    assertThat(UtilizationDetector.DEFAULT_STALENESS_MILLIS).isEqualTo(200);
    assertThat(UtilizationDetector.DEFAULT_HEADROOM).isZero();
  }

  @Test
  void priorityQueueOrderingsResolveToTheHeap() {
    FlowControllerConfig config =
        FlowControllerConfig.builder()
            .bands(BandConfig.builder(0).ordering(OrderingPolicy.edf()).build())
            .build();
    assertThat(config.bands().get(0).queue()).isSameAs(QueueFactory.maxMinHeap());
  }

  @Test
  void validationReportsEveryErrorWithItsPath() {
    FlowControllerConfig.Builder builder =
        FlowControllerConfig.builder()
            .maxRequests(-1)
            .maxBytes(-2)
            .defaultTtl(Duration.ofSeconds(-5))
            .shards(0)
            .flowIdleTimeout(Duration.ofMinutes(10))
            .bandIdleTimeout(Duration.ofMinutes(1))
            .bands(
                BandConfig.builder(5).maxRequests(-3).build(),
                BandConfig.builder(5)
                    .ordering(OrderingPolicy.edf())
                    .queue(QueueFactory.list())
                    .build())
            .defaultSheddableBand(BandConfig.template().maxFlowBytes(-7).build());
    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            FlowConfigException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        "maxBytes: -2 (expected: >= 0, 0 = unlimited)",
                        "maxRequests: -1 (expected: >= 0, 0 = unlimited)",
                        "defaultTtl: PT-5S (expected: >= 0, 0 = none)",
                        "shards: 0 (expected: 1 to 256)",
                        "bandIdleTimeout: PT1M (expected: >= flowIdleTimeout PT10M)",
                        "bands[0].maxRequests: -3 (expected: >= 0, 0 = unlimited)",
                        "bands[1].queue: 'list' (cannot keep ordering 'edf', which needs [PRIORITY_CONFIGURABLE];"
                            + " expected a queue with them, e.g. max-min-heap)",
                        "bands[1].priority: 5 (expected: unique; bands[0] has it too)",
                        "defaultSheddableBand.maxFlowBytes: -7 (expected: >= 0, 0 = unlimited)"))
        .hasMessageStartingWith("invalid flow control configuration: maxBytes: -2");
  }

  @Test
  void namedPluginsNameTheKnownOnes() {
    assertThatThrownBy(() -> FairnessPolicy.named("drr"))
        .hasMessage("fairness: 'drr' (expected: one of round-robin, global-strict, weighted-fair)");
    assertThatThrownBy(() -> QueueFactory.named("skiplist"))
        .hasMessage("queue: 'skiplist' (expected: one of list, max-min-heap)");
    assertThat(FairnessPolicy.named("weighted-fair").name()).isEqualTo("weighted-fair");
    assertThat(OrderingPolicy.named("slo-deadline")).isSameAs(OrderingPolicy.sloDeadline());
  }

  @Test
  void utilizationDetectorValidatesEveryParameter() {
    assertThatThrownBy(
            () ->
                UtilizationDetector.builder(() -> 0L)
                    .queueDepthThreshold(0)
                    .kvCacheUtilThreshold(1.5)
                    .staleness(Duration.ZERO)
                    .headroom(-1)
                    .build())
        .hasMessage(
            "queueDepthThreshold: 0 (expected: > 0); kvCacheUtilThreshold: 1.5 (expected: in (0, 1]);"
                + " staleness: PT0S (expected: > 0); headroom: -1.0 (expected: >= 0)");
  }

  /**
   * Every builder setter states its default in its Javadoc, so the docs cannot silently omit one.
   */
  @Test
  void everyBuilderSetterStatesItsDefault() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String file : List.of("FlowControllerConfig.java", "BandConfig.java")) {
      String source = Files.readString(Path.of("src/main/java/dev/sluice/flow", file));
      String builder = source.substring(source.indexOf("public static final class Builder"));
      Matcher setter =
          Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*public Builder (\\w+)\\(", Pattern.DOTALL)
              .matcher(builder);
      int found = 0;
      while (setter.find()) {
        found++;
        if (!setter.group(1).contains("Default")) {
          missing.add(file + "#" + setter.group(2));
        }
      }
      assertThat(found).as("setters found in %s", file).isGreaterThan(5);
    }
    assertThat(missing).as("setters whose Javadoc states no default").isEmpty();
  }
}
