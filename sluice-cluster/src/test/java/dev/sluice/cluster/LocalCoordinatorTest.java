package dev.sluice.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LocalCoordinatorTest {
  private final ClusterCoordinator local = ClusterCoordinator.local();

  @Test
  void aLocalLimitIsAllowedInFull() {
    GlobalLimit limit = local.limit("pool", 2, FailurePolicy.FAIL_OPEN);
    assertThat(local.mode()).isEqualTo(Mode.LOCAL);
    assertThat(limit.allowed()).isEqualTo(2);
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(limit.inUse()).isEqualTo(2);
    assertThat(limit.othersReserved()).isZero();
    limit.release();
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit).hasToString("GlobalLimit(pool, limit=2, inUse=2, allowed=2)");
    local.close();
  }

  @Test
  void theSameNameGivesTheSameLimit() {
    GlobalLimit first = local.limit("pool", 3, FailurePolicy.FAIL_CLOSED);
    assertThat(local.limit("pool", 3, FailurePolicy.FAIL_CLOSED)).isSameAs(first);
    assertThat(first.name()).isEqualTo("pool");
    assertThat(first.limit()).isEqualTo(3);
    assertThat(first.failurePolicy()).isEqualTo(FailurePolicy.FAIL_CLOSED);
  }

  @Test
  void badArgumentsAreNamed() {
    local.limit("pool", 3, FailurePolicy.FAIL_OPEN);
    assertThatThrownBy(() -> local.limit("pool", 4, FailurePolicy.FAIL_OPEN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit 'pool': 4, FAIL_OPEN (expected: as registered, 3, FAIL_OPEN)");
    assertThatThrownBy(() -> local.limit("flows", 0, FailurePolicy.FAIL_OPEN))
        .hasMessage("limit: 0 (expected: > 0)");
    assertThatThrownBy(() -> local.limit("a{b}", 1, FailurePolicy.FAIL_OPEN))
        .hasMessage("name: 'a{b}' (expected: not empty, no '{' or '}')");
    assertThatThrownBy(() -> local.limit("", 1, FailurePolicy.FAIL_OPEN))
        .hasMessage("name: '' (expected: not empty, no '{' or '}')");
  }

  @Test
  void metricsShowTheModeAndEachLimit() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GlobalLimit limit = local.limit("pool", 4, FailurePolicy.FAIL_OPEN);
    ClusterMetrics.bind(local, registry);
    ClusterMetrics.bind(limit, registry);
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(registry.get("sluice.cluster.mode").tag("mode", "local").gauge().value()).isOne();
    assertThat(registry.get("sluice.cluster.mode").tag("mode", "global").gauge().value()).isZero();
    assertThat(registry.get("sluice.cluster.limit.in_use").tag("limit", "pool").gauge().value())
        .isOne();
    assertThat(registry.get("sluice.cluster.limit.allowed").gauge().value()).isEqualTo(4);
    assertThat(registry.get("sluice.cluster.limit.others_reserved").gauge().value()).isZero();
  }

  @Test
  void releaseWithoutAcquireFails() {
    GlobalLimit limit = local.limit("pool", 1, FailurePolicy.FAIL_OPEN);
    assertThatThrownBy(limit::release)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("release() of limit 'pool' with no unit held");
  }

  @Test
  void listenersRunWhenTheShareGrows() {
    AtomicInteger exhausted = new AtomicInteger();
    CreditLimit limit =
        new CreditLimit(
            "pool", 10, FailurePolicy.FAIL_OPEN, 1, exhausted::incrementAndGet, () -> {});
    AtomicInteger woken = new AtomicInteger();
    limit.addListener(woken::incrementAndGet);
    assertThat(limit.tryAcquire()).isTrue();
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(exhausted).hasValue(1);
    limit.update(1, 5);
    assertThat(woken).hasValue(0);
    limit.update(3, 5);
    assertThat(woken).hasValue(1);
    assertThat(limit.othersReserved()).isEqualTo(5);
  }

  @Test
  void aSyncAsksForHeadroomAndNeverLetsTheShareOutrunWhatItPublishes() {
    CreditLimit limit = new CreditLimit("pool", 10, FailurePolicy.FAIL_OPEN, 8, () -> {}, () -> {});
    assertThat(limit.tryAcquire()).isTrue();
    // Batched: busy, so in use plus headroom; the share drops to that before the reply.
    assertThat(limit.prepareSync(2, false, false)).containsExactly(1, 3);
    assertThat(limit.allowed()).isEqualTo(3);
    // Strict: no headroom without a refusal.
    assertThat(limit.prepareSync(1, true, false)).containsExactly(1, 1);
    assertThat(limit.tryAcquire()).isFalse();
    assertThat(limit.prepareSync(1, true, false)).containsExactly(1, 2);
    // A failed sync keeps the refusal for the next one.
    limit.restoreDemand();
    assertThat(limit.isActive()).isTrue();
    // Rejoining after an outage: no more than the current share.
    assertThat(limit.prepareSync(5, false, true)).containsExactly(1, 1);
    limit.release();
    assertThat(limit.prepareSync(5, false, false)).containsExactly(0, 0);
    assertThat(limit.isActive()).isFalse();
  }
}
