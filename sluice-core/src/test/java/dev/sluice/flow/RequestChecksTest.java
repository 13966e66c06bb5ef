package dev.sluice.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RequestChecks}: null exactly for a valid request, else every problem named. */
class RequestChecksTest {

  @Test
  void aValidRequestHasNoProblems() {
    assertThat(RequestChecks.problems(FlowRequest.of(FlowKey.of("tenant", 0)))).isNull();
    assertThat(
            RequestChecks.problems(
                FlowRequest.builder(FlowKey.of("t", -1))
                    .byteSize(0)
                    .cost(1)
                    .ttl(Duration.ofNanos(1))
                    .slo(Duration.ZERO)
                    .build()))
        .isNull();
  }

  @Test
  void everyBadFieldIsNamedWithItsValueAndExpectation() {
    FlowRequest request =
        FlowRequest.builder(FlowKey.of(" ", 0))
            .byteSize(-3)
            .cost(0)
            .ttl(Duration.ZERO)
            .slo(Duration.ofSeconds(-1))
            .build();

    assertThat(RequestChecks.problems(request))
        .isEqualTo(
            "flowKey.id: ' ' (expected: a non-blank id); byteSize: -3 (expected: >= 0); cost: 0"
                + " (expected: >= 1); ttl: PT0S (expected: > 0, or null for none); slo: PT-1S"
                + " (expected: >= 0, or null for none)");
  }

  @Test
  void oneBadFieldIsTheOnlyProblemReported() {
    FlowRequest request = FlowRequest.builder(FlowKey.of("t", 0)).cost(0).build();

    assertThat(RequestChecks.problems(request)).isEqualTo("cost: 0 (expected: >= 1)");
  }
}
