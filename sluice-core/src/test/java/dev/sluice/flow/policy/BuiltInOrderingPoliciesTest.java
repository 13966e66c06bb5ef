package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.queue.QueueCapability;
import dev.sluice.flow.queue.QueueItem;
import dev.sluice.testing.conformance.OrderingPolicyConformance;
import dev.sluice.testing.conformance.TestQueueItem;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Each built-in {@link OrderingPolicy}'s documented rule; and sluice-testing's contract suite for a
 * custom order (the built-ins run it through the {@code *OrderingConformanceTest} classes here).
 */
class BuiltInOrderingPoliciesTest extends OrderingPolicyConformance {

  /** Highest cost first: an order unrelated to arrival, deadline or SLO. */
  private static final OrderingPolicy LARGEST_COST_FIRST =
      OrderingPolicy.custom(
          "largest-cost-first",
          Comparator.comparingLong((QueueItem item) -> item.request().cost()).reversed());

  private static final Duration HUGE_SLO = Duration.ofSeconds(Long.MAX_VALUE); // nanos overflow

  @Override
  protected OrderingPolicy policy() {
    return LARGEST_COST_FIRST;
  }

  // ---------------------------------------------------------------------------------------------
  // Each built-in's rule

  @Test
  void fcfsGoesByArrivalOnlyAndWorksOnAnyQueue() {
    OrderingPolicy fcfs = OrderingPolicy.fcfs();
    assertThat(fcfs.name()).isEqualTo("fcfs");
    assertThat(fcfs.requiredCapabilities()).isEmpty();
    List<TestQueueItem> items = randomItems(new Random(SEED), 200);
    for (QueueItem a : items) {
      for (QueueItem b : items) {
        assertThat(Integer.signum(fcfs.comparator().compare(a, b)))
            .as("fcfs seed=%d: %s vs %s", SEED, a, b)
            .isEqualTo(Long.signum(Long.compare(a.sequence(), b.sequence())));
      }
    }
  }

  @Test
  void edfGoesByDeadlineThenArrivalWithNoDeadlineLast() {
    OrderingPolicy edf = OrderingPolicy.edf();
    assertThat(edf.name()).isEqualTo("edf");
    assertThat(edf.requiredCapabilities()).containsExactly(QueueCapability.PRIORITY_CONFIGURABLE);
    Comparator<QueueItem> reference =
        (a, b) -> {
          boolean aHas = a.deadlineNanos() != Long.MAX_VALUE;
          boolean bHas = b.deadlineNanos() != Long.MAX_VALUE;
          if (aHas != bHas) {
            return aHas ? -1 : 1;
          }
          int byDeadline = Long.compare(a.deadlineNanos(), b.deadlineNanos());
          return byDeadline != 0 ? byDeadline : Long.compare(a.sequence(), b.sequence());
        };
    assertAgrees(edf, reference, randomItems(new Random(SEED), 200));

    QueueItem latestPossible = item(9, Long.MAX_VALUE - 1, 0, null, 1);
    QueueItem noDeadline = item(1, Long.MAX_VALUE, 0, null, 1);
    QueueItem alsoNone = item(2, Long.MAX_VALUE, 0, null, 1);
    assertThat(sorted(List.of(alsoNone, noDeadline, latestPossible), edf.comparator()))
        .containsExactly(latestPossible, noDeadline, alsoNone);
  }

  @Test
  void sloDeadlineGoesByReceivedPlusSloThenReceivedThenArrival() {
    OrderingPolicy slo = OrderingPolicy.sloDeadline();
    assertThat(slo.name()).isEqualTo("slo-deadline");
    assertThat(slo.requiredCapabilities()).containsExactly(QueueCapability.PRIORITY_CONFIGURABLE);
    Comparator<QueueItem> reference =
        Comparator.comparing(
                BuiltInOrderingPoliciesTest::exactSloDeadline,
                Comparator.nullsLast(Comparator.<BigInteger>naturalOrder()))
            .thenComparingLong(QueueItem::receivedNanos)
            .thenComparingLong(QueueItem::sequence);
    assertAgrees(slo, reference, randomItems(new Random(SEED), 200));

    // Same SLO deadline (150) reached two ways: the earlier received goes first, whatever the
    // arrival.
    QueueItem receivedLater = item(1, Long.MAX_VALUE, 120, Duration.ofNanos(30), 1);
    QueueItem receivedEarlier = item(2, Long.MAX_VALUE, 100, Duration.ofNanos(50), 1);
    QueueItem noSlo = item(3, Long.MAX_VALUE, -1_000, null, 1);
    assertThat(sorted(List.of(noSlo, receivedLater, receivedEarlier), slo.comparator()))
        .containsExactly(receivedEarlier, receivedLater, noSlo);
  }

  @Test
  void sloDeadlineSortsAnItemWithoutSloAfterEvenTheLongestSlo() {
    // Received + SLO beyond the range of a long must still come before "no SLO at all".
    Comparator<QueueItem> slo = OrderingPolicy.sloDeadline().comparator();
    QueueItem hugeSlo = item(1, Long.MAX_VALUE, 100, HUGE_SLO, 1);
    QueueItem lateReceivedOneSecond =
        item(2, Long.MAX_VALUE, Long.MAX_VALUE - 10, Duration.ofSeconds(1), 1);
    QueueItem noSloReceivedEarlier = item(3, Long.MAX_VALUE, 50, null, 1);
    QueueItem ordinary = item(4, Long.MAX_VALUE, 0, Duration.ofSeconds(1), 1);

    assertThat(sorted(List.of(noSloReceivedEarlier, hugeSlo, lateReceivedOneSecond, ordinary), slo))
        .as("the huge SLO saturates without wrapping to the front, and no SLO goes last")
        .startsWith(ordinary)
        .endsWith(noSloReceivedEarlier);
  }

  @Test
  void customKeepsItsOrderAndBreaksTiesByArrival() {
    assertThat(LARGEST_COST_FIRST.name()).isEqualTo("largest-cost-first");
    assertThat(LARGEST_COST_FIRST.requiredCapabilities())
        .containsExactly(QueueCapability.PRIORITY_CONFIGURABLE);
    Comparator<QueueItem> reference =
        Comparator.comparingLong((QueueItem item) -> -item.request().cost())
            .thenComparingLong(QueueItem::sequence);
    assertAgrees(LARGEST_COST_FIRST, reference, randomItems(new Random(SEED), 200));

    OrderingPolicy indifferent = OrderingPolicy.custom("indifferent", (a, b) -> 0);
    assertAgrees(
        indifferent,
        Comparator.comparingLong(QueueItem::sequence),
        randomItems(new Random(SEED), 100));
    assertThatThrownBy(() -> OrderingPolicy.custom(null, (a, b) -> 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
  }

  @Test
  void findsEachBuiltInByName() {
    assertThat(OrderingPolicy.named("fcfs")).isSameAs(OrderingPolicy.fcfs());
    assertThat(OrderingPolicy.named("edf")).isSameAs(OrderingPolicy.edf());
    assertThat(OrderingPolicy.named("slo-deadline")).isSameAs(OrderingPolicy.sloDeadline());
    assertThatThrownBy(() -> OrderingPolicy.named("lifo"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("'lifo'", "fcfs", "edf", "slo-deadline");
  }

  // ---------------------------------------------------------------------------------------------

  /** Received time plus SLO without overflow; null (sorting last) without an SLO. */
  private static BigInteger exactSloDeadline(QueueItem item) {
    Duration slo = item.request().slo();
    if (slo == null) {
      return null;
    }
    BigInteger sloNanos =
        BigInteger.valueOf(slo.getSeconds())
            .multiply(BigInteger.valueOf(1_000_000_000L))
            .add(BigInteger.valueOf(slo.getNano()));
    return BigInteger.valueOf(item.receivedNanos()).add(sloNanos);
  }

  private static void assertAgrees(
      OrderingPolicy policy, Comparator<QueueItem> reference, List<TestQueueItem> items) {
    for (QueueItem a : items) {
      for (QueueItem b : items) {
        assertThat(Integer.signum(policy.comparator().compare(a, b)))
            .as("%s seed=%d: %s (%s) vs %s (%s)", policy, SEED, a, a.request(), b, b.request())
            .isEqualTo(Integer.signum(reference.compare(a, b)));
      }
    }
  }

  private static List<QueueItem> sorted(List<QueueItem> items, Comparator<QueueItem> order) {
    List<QueueItem> sorted = new ArrayList<>(items);
    sorted.sort(order);
    return sorted;
  }
}
