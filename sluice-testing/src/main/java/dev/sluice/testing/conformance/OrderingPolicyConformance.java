package dev.sluice.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link OrderingPolicy} must keep, as an abstract JUnit 5 suite: extend it and
 * supply the {@link #policy()} under test. Its comparator must be a strict total order that ties an
 * item only with itself (or an item with the same fields), and every built-in queue whose
 * capabilities cover the policy's requirements must dispatch in that order.
 */
public abstract class OrderingPolicyConformance {

  /** The policy under test; called once per test. */
  protected abstract OrderingPolicy policy();

  /** Every built-in queue, to check that each policy's required capabilities are enough. */
  private static final List<QueueFactory> QUEUES =
      List.of(QueueFactory.list(), QueueFactory.maxMinHeap());

  /** The seed of {@link #randomItems} in these tests. */
  protected static final long SEED = 0x0DE1L;

  private static final FlowKey KEY = FlowKey.of("tenant");

  /** An item of {@code cost} with these times, for the flow {@code tenant}. */
  protected static TestQueueItem item(
      long sequence, long deadlineNanos, long receivedNanos, @Nullable Duration slo, long cost) {
    FlowRequest request =
        FlowRequest.builder(KEY).slo(slo).cost(cost).receivedNanos(receivedNanos).build();
    return new TestQueueItem(request, sequence, receivedNanos, deadlineNanos, receivedNanos);
  }

  /**
   * Items with unique sequences handed out in a shuffled order, and few distinct values of every
   * other field, so that every rule meets ties. Times stay far from overflow.
   */
  protected static List<TestQueueItem> randomItems(Random random, int count) {
    List<Long> sequences = new ArrayList<>();
    for (long sequence = 1; sequence <= count; sequence++) {
      sequences.add(sequence);
    }
    Collections.shuffle(sequences, random);
    List<TestQueueItem> items = new ArrayList<>();
    for (long sequence : sequences) {
      long deadline = random.nextInt(5) == 0 ? Long.MAX_VALUE : 1_000 + random.nextInt(20);
      long received = -50L + random.nextInt(20); // ticker values may be negative
      Duration slo = random.nextInt(5) == 0 ? null : Duration.ofNanos(random.nextInt(20));
      items.add(item(sequence, deadline, received, slo, 1 + random.nextInt(4)));
    }
    return items;
  }

  /** An item with the same fields as {@code item}: the same request in the same place. */
  protected static TestQueueItem twin(QueueItem item) {
    return new TestQueueItem(
        item.request(),
        item.sequence(),
        item.enqueueNanos(),
        item.deadlineNanos(),
        item.receivedNanos());
  }

  // ---------------------------------------------------------------------------------------------
  // The contract

  @Test
  void isAStrictTotalOrderThatOnlyTiesAnItemWithItself() {
    OrderingPolicy policy = policy();
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

  @Test
  void isKeptByEveryQueueWithTheCapabilitiesItRequires() {
    OrderingPolicy policy = policy();
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
}
