package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueCapability;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import dev.sluice.flow.queue.TestQueueItem;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link OrderingPolicy} must keep, then each built-in's documented rule. The
 * contract tests run once per policy in {@link #policies()}: a new policy joins by adding it there.
 */
class OrderingPolicyConformanceTest {

  /** Highest cost first: an order unrelated to arrival, deadline or SLO. */
  private static final OrderingPolicy LARGEST_COST_FIRST =
      OrderingPolicy.custom(
          "largest-cost-first",
          Comparator.comparingLong((QueueItem item) -> item.request().cost()).reversed());

  /** The policies under test. Add one here to hold a new policy to the contract. */
  static Stream<Named<OrderingPolicy>> policies() {
    return Stream.of(
        Named.of("fcfs", OrderingPolicy.fcfs()),
        Named.of("edf", OrderingPolicy.edf()),
        Named.of("slo-deadline", OrderingPolicy.sloDeadline()),
        Named.of("custom largest-cost-first", LARGEST_COST_FIRST));
  }

  /** Every built-in queue, to check that each policy's required capabilities are enough. */
  private static final List<QueueFactory> QUEUES =
      List.of(QueueFactory.list(), QueueFactory.maxMinHeap());

  private static final long SEED = 0x0DE1L;
  private static final FlowKey KEY = FlowKey.of("tenant");
  private static final Duration HUGE_SLO = Duration.ofSeconds(Long.MAX_VALUE); // nanos overflow

  private static TestQueueItem item(
      long sequence, long deadlineNanos, long receivedNanos, Duration slo, long cost) {
    FlowRequest request =
        FlowRequest.builder(KEY).slo(slo).cost(cost).receivedNanos(receivedNanos).build();
    return new TestQueueItem(request, sequence, receivedNanos, deadlineNanos, receivedNanos);
  }

  /**
   * Items with unique sequences handed out in a shuffled order, and few distinct values of every
   * other field, so that every rule meets ties. Times stay far from overflow.
   */
  private static List<TestQueueItem> randomItems(Random random, int count) {
    List<Long> sequences = new ArrayList<>();
    for (long sequence = 1; sequence <= count; sequence++) {
      sequences.add(sequence);
    }
    Collections.shuffle(sequences, random);
    List<TestQueueItem> items = new ArrayList<>();
    for (long sequence : sequences) {
      long deadline = random.nextInt(5) == 0 ? Long.MAX_VALUE : 1_000 + random.nextInt(20);
      long received = -50 + random.nextInt(20); // ticker values may be negative
      Duration slo = random.nextInt(5) == 0 ? null : Duration.ofNanos(random.nextInt(20));
      items.add(item(sequence, deadline, received, slo, 1 + random.nextInt(4)));
    }
    return items;
  }

  /** An item with the same fields as {@code item}: the same request in the same place. */
  private static TestQueueItem twin(QueueItem item) {
    return new TestQueueItem(
        item.request(),
        item.sequence(),
        item.enqueueNanos(),
        item.deadlineNanos(),
        item.receivedNanos());
  }

  // ---------------------------------------------------------------------------------------------
  // The contract

  @ParameterizedTest
  @MethodSource("policies")
  void isAStrictTotalOrderThatOnlyTiesAnItemWithItself(OrderingPolicy policy) {
    Random random = new Random(SEED);
    List<TestQueueItem> items = randomItems(random, 400);
    Comparator<QueueItem> order = policy.comparator();

    List<TestQueueItem> sorted = new ArrayList<>(items);
    sorted.sort(order);
    // Every pair agreeing with one linear arrangement makes the order antisymmetric and transitive.
    for (int i = 0; i < sorted.size(); i++) {
      QueueItem a = sorted.get(i);
      assertThat(order.compare(a, a)).as("%s seed=%d: %s against itself", policy, SEED, a).isZero();
      assertThat(order.compare(a, twin(a)))
          .as("%s seed=%d: %s against its twin", policy, SEED, a)
          .isZero();
      for (int j = i + 1; j < sorted.size(); j++) {
        QueueItem b = sorted.get(j);
        assertThat(order.compare(a, b))
            .as("%s seed=%d: %s before %s", policy, SEED, a, b)
            .isNegative();
        assertThat(order.compare(b, a))
            .as("%s seed=%d: %s after %s", policy, SEED, b, a)
            .isPositive();
      }
    }
    for (int round = 0; round < 5; round++) {
      List<TestQueueItem> shuffled = new ArrayList<>(items);
      Collections.shuffle(shuffled, random);
      shuffled.sort(order);
      assertThat(shuffled)
          .as("%s seed=%d: sorting a shuffle", policy, SEED)
          .containsExactlyElementsOf(sorted);
    }
  }

  @ParameterizedTest
  @MethodSource("policies")
  void isKeptByEveryQueueWithTheCapabilitiesItRequires(OrderingPolicy policy) {
    assertThat(policy.name()).isNotBlank();
    assertThat(policy.requiredCapabilities()).isNotNull();
    List<QueueFactory> able =
        QUEUES.stream()
            .filter(queue -> queue.capabilities().containsAll(policy.requiredCapabilities()))
            .toList();
    assertThat(able).as("queues able to keep %s", policy).isNotEmpty();

    for (QueueFactory factory : able) {
      FlowQueue queue = factory.create(policy.comparator());
      List<TestQueueItem> items = new ArrayList<>(randomItems(new Random(SEED), 300));
      items.sort(Comparator.comparingLong(QueueItem::sequence)); // queues receive items by arrival
      items.forEach(queue::add);

      List<QueueItem> dispatched = new ArrayList<>();
      for (QueueItem head = queue.pollHead(); head != null; head = queue.pollHead()) {
        dispatched.add(head);
      }

      assertThat(dispatched)
          .as("%s in a %s queue, seed=%d", policy, factory, SEED)
          .hasSize(items.size())
          .isSortedAccordingTo(policy.comparator());
    }
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
                OrderingPolicyConformanceTest::exactSloDeadline,
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
