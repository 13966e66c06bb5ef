package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ConfigChecks}: one error per problem, none for valid values, bands sorted by priority. */
class ConfigChecksTest {

  private final List<String> errors = new ArrayList<>();

  @Test
  void validValuesAddNoErrors() {
    ConfigChecks.checkDefaultTtl(Duration.ZERO, errors);
    ConfigChecks.checkShards(1, errors);
    ConfigChecks.checkShards(FlowControllerConfig.MAX_SHARDS, errors);
    ConfigChecks.checkIdleTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), errors);
    ConfigChecks.checkBands(List.of(BandConfig.of(0), BandConfig.of(-1)), errors);

    assertThat(errors).isEmpty();
  }

  @Test
  void eachProblemNamesTheFieldTheValueAndTheExpectation() {
    ConfigChecks.checkDefaultTtl(Duration.ofSeconds(-1), errors);
    ConfigChecks.checkShards(0, errors);
    ConfigChecks.checkShards(FlowControllerConfig.MAX_SHARDS + 1, errors);

    assertThat(errors)
        .containsExactly(
            "defaultTtl: PT-1S (expected: >= 0, 0 = none)",
            "shards: 0 (expected: 1 to 256)",
            "shards: 257 (expected: 1 to 256)");
  }

  @Test
  void theBandTimeoutIsComparedWithTheFlowTimeoutOnlyWhenBothAreValid() {
    ConfigChecks.checkIdleTimeouts(Duration.ofMinutes(2), Duration.ofMinutes(1), errors);
    ConfigChecks.checkIdleTimeouts(Duration.ZERO, Duration.ofMinutes(1), errors);
    ConfigChecks.checkIdleTimeouts(Duration.ofMinutes(1), Duration.ofSeconds(-1), errors);

    assertThat(errors)
        .containsExactly(
            "bandIdleTimeout: PT1M (expected: >= flowIdleTimeout PT2M)",
            "flowIdleTimeout: PT0S (expected: > 0)",
            "bandIdleTimeout: PT-1S (expected: > 0)");
  }

  @Test
  void aNullBandAndARepeatedPriorityAreEachReportedWithTheirIndex() {
    ConfigChecks.checkBands(Arrays.asList(BandConfig.of(5), null, BandConfig.of(5)), errors);

    assertThat(errors)
        .containsExactly(
            "bands[1]: null (expected: a band)",
            "bands[2].priority: 5 (expected: unique; bands[0] has it too)");
  }

  @Test
  void resolvedBandsComeHighestPriorityFirst() {
    List<BandConfig> resolved =
        ConfigChecks.resolvedByPriority(
            List.of(BandConfig.of(-3), BandConfig.of(10), BandConfig.of(0)));

    assertThat(resolved).extracting(BandConfig::priority).containsExactly(10, 0, -3);
  }
}
