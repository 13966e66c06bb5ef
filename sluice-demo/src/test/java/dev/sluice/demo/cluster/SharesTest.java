package dev.sluice.demo.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SharesTest {

  private static final long SECOND = 1_000_000_000L;
  private static final Set<String> TENANTS = Set.of("a", "b", "c");

  @Test
  void equalServiceHasNoErrorAndAJainIndexOfOne() {
    List<Call> calls = new ArrayList<>();
    for (int window = 0; window < 3; window++) {
      for (String tenant : TENANTS) {
        calls.add(dispatched(tenant, window * SECOND + 1));
      }
    }
    Shares shares = Shares.of(calls, TENANTS, 0, 3 * SECOND, SECOND);

    assertThat(shares.maxError()).isZero();
    assertThat(shares.p95Error()).isZero();
    assertThat(shares.jain()).isCloseTo(1.0, within(1e-9));
    assertThat(shares.share()).containsEntry("a", 1.0 / 3);
  }

  @Test
  void theWorstWindowAndTenantMakeTheMaximum() {
    List<Call> calls = new ArrayList<>();
    // Window 0: a 1, b 1, c 2 (c off by 1/2 - 1/3); window 1: only a (off by 2/3).
    calls.add(dispatched("a", 10));
    calls.add(dispatched("b", 20));
    calls.add(dispatched("c", 30));
    calls.add(dispatched("c", 40));
    calls.add(dispatched("a", SECOND + 10));
    calls.add(dispatched("b", 2 * SECOND + 5)); // after the last whole window: not counted
    calls.add(new Call("b", 0, 0, -1, 50, "status 503")); // never dispatched: not counted
    Shares shares = Shares.of(calls, TENANTS, 0, 2 * SECOND + SECOND / 2, SECOND);

    assertThat(shares.maxError()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(shares.p95Error()).isCloseTo(2.0 / 3, within(1e-9));
    // Totals a 2, b 1, c 2: (5)^2 / (3 * 9).
    assertThat(shares.jain()).isCloseTo(25.0 / 27, within(1e-9));
    assertThat(shares.share().get("b")).isCloseTo(0.2, within(1e-9));
  }

  @Test
  void aRunShorterThanOneWindowIsRefused() {
    assertThatThrownBy(() -> Shares.of(List.of(), TENANTS, 0, SECOND / 2, SECOND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("to - from: 500000000 (expected: >= window 1000000000)");
  }

  private static Call dispatched(String tenant, long at) {
    return new Call(tenant, 0, at, at, at + 1, null);
  }
}
