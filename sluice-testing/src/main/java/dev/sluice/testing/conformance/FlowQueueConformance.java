package dev.sluice.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueCapability;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link FlowQueue} must keep, as an abstract JUnit 5 suite: extend it and
 * supply the {@link #factory()} under test.
 *
 * <p>Items are always added in {@code sequence} order, so a FIFO queue must dispatch by sequence.
 * Every queue is created with an order that disagrees with insertion order: a {@link
 * QueueCapability#PRIORITY_CONFIGURABLE} queue must follow it and a FIFO-only queue must ignore it.
 */
public abstract class FlowQueueConformance {

  /** The queue under test; called once per test. */
  protected abstract QueueFactory factory();

  /** The rank lives in the deadline field; ties (frequent: ranks are small) go by sequence. */
  private static final Comparator<QueueItem> BY_RANK =
      Comparator.comparingLong(QueueItem::deadlineNanos).thenComparingLong(QueueItem::sequence);

  private static final Comparator<QueueItem> BY_SEQUENCE =
      Comparator.comparingLong(QueueItem::sequence);

  private static final FlowKey KEY = FlowKey.of("tenant");

  /** The order in which a queue from {@code factory} must dispatch items added by sequence. */
  private static Comparator<QueueItem> expectedOrder(QueueFactory factory) {
    Set<QueueCapability> capabilities = factory.capabilities();
    if (capabilities.contains(QueueCapability.PRIORITY_CONFIGURABLE)) {
      return BY_RANK;
    }
    if (capabilities.contains(QueueCapability.FIFO)) {
      return BY_SEQUENCE;
    }
    return fail(factory + " declares no ordering capability: " + capabilities);
  }

  /** Makes items with strictly increasing sequences. */
  private static final class Items {
    private final Random random;
    private long nextSequence = 1;

    Items(long seed) {
      random = new Random(seed);
    }

    TestQueueItem item(long rank, long byteSize) {
      FlowRequest request = FlowRequest.builder(KEY).byteSize(byteSize).build();
      long sequence = nextSequence++;
      return new TestQueueItem(request, sequence, sequence, rank, sequence);
    }

    TestQueueItem random(int ranks) {
      return item(random.nextInt(ranks), random.nextInt(4096));
    }
  }

  /** The items a queue must hold, kept sorted in its expected dispatch order. */
  private static final class Model {
    final Comparator<QueueItem> order;
    final List<QueueItem> items = new ArrayList<>();

    Model(Comparator<QueueItem> order) {
      this.order = order;
    }

    void add(QueueItem item) {
      int index = Collections.binarySearch(items, item, order);
      assertThat(index).as("model already holds %s", item).isNegative();
      items.add(-index - 1, item);
    }

    void remove(QueueItem item) {
      assertThat(items.remove(item)).as("model holds %s", item).isTrue();
    }

    long byteSize() {
      return items.stream().mapToLong(item -> item.request().byteSize()).sum();
    }

    @Nullable QueueItem headOrNull() {
      return items.isEmpty() ? null : items.get(0);
    }

    @Nullable QueueItem tailOrNull() {
      return items.isEmpty() ? null : items.get(items.size() - 1);
    }

    QueueItem head() {
      return Objects.requireNonNull(headOrNull(), "the model is empty");
    }

    QueueItem tail() {
      return Objects.requireNonNull(tailOrNull(), "the model is empty");
    }
  }

  private static void add(FlowQueue queue, Model model, QueueItem item) {
    queue.add(item);
    model.add(item);
    assertThat(item.queueHandle()).as("handle of %s after add", item).isNotNull();
  }

  /** Checks everything observable without changing the queue. */
  private static void assertMatches(FlowQueue queue, Model model, String context) {
    assertThat(queue.size()).as("size; %s", context).isEqualTo(model.items.size());
    assertThat(queue.isEmpty()).as("isEmpty; %s", context).isEqualTo(model.items.isEmpty());
    assertThat(queue.byteSize()).as("byteSize; %s", context).isEqualTo(model.byteSize());
    assertThat(queue.peekHead()).as("peekHead; %s", context).isSameAs(model.headOrNull());
    assertThat(queue.peekTail()).as("peekTail; %s", context).isSameAs(model.tailOrNull());
  }

  /** Drains the queue and checks it gave exactly the model's items, head first. */
  private static void assertDrainsLike(FlowQueue queue, Model model, String context) {
    List<QueueItem> drained = queue.drain();
    assertThat(drained).as("drain; %s", context).containsExactlyElementsOf(model.items);
    assertThat(drained)
        .as("handles after drain; %s", context)
        .allSatisfy(item -> assertThat(item.queueHandle()).isNull());
    model.items.clear();
    assertMatches(queue, model, context + ", after drain");
  }

  @Test
  void startsEmptyAndDescribesItself() {
    QueueFactory factory = factory();
    FlowQueue queue = factory.create(BY_RANK);

    assertThat(queue.name()).isEqualTo(factory.name());
    assertThat(queue.capabilities()).isEqualTo(factory.capabilities());
    expectedOrder(factory);
    assertMatches(queue, new Model(BY_RANK), "new queue");
    assertThat(queue.pollHead()).isNull();
    assertThat(queue.drain()).isEmpty();
  }

  @Test
  void dispatchesInItsOrderAndTheTailGoesLast() {
    QueueFactory factory = factory();
    FlowQueue queue = factory.create(BY_RANK);
    Model model = new Model(expectedOrder(factory));
    Items items = new Items(0);
    // Ranks against insertion order, with ties, so FIFO and by-rank orders differ everywhere.
    for (long rank : new long[] {5, 3, 9, 3, 1, 7, 5, 0, 8, 2, 9, 0}) {
      add(queue, model, items.item(rank, rank * 10 + 1));
      assertMatches(queue, model, "after adding rank " + rank);
    }
    QueueItem tail = queue.peekTail();

    QueueItem last = null;
    while (!model.items.isEmpty()) {
      QueueItem expected = model.head();
      last = queue.pollHead();
      assertThat(last).as("pollHead").isSameAs(expected);
      assertThat(expected.queueHandle()).as("handle after pollHead").isNull();
      model.remove(expected);
      assertMatches(queue, model, "after polling " + expected);
    }
    assertThat(last).as("the last item polled is the tail peeked before").isSameAs(tail);
    assertThat(queue.pollHead()).isNull();
  }

  @Test
  void removesByHandleAtHeadMiddleAndTail() {
    QueueFactory factory = factory();
    FlowQueue queue = factory.create(BY_RANK);
    Model model = new Model(expectedOrder(factory));
    Items items = new Items(1);
    for (int i = 0; i < 15; i++) {
      add(queue, model, items.random(8));
    }

    QueueItem head = model.head();
    assertThat(queue.remove(head)).as("remove head %s", head).isTrue();
    model.remove(head);
    assertMatches(queue, model, "after removing the head");

    QueueItem middle = model.items.get(model.items.size() / 2);
    assertThat(queue.remove(middle)).as("remove middle %s", middle).isTrue();
    model.remove(middle);
    assertMatches(queue, model, "after removing the middle");

    QueueItem tail = model.tail();
    assertThat(queue.remove(tail)).as("remove tail %s", tail).isTrue();
    model.remove(tail);
    assertMatches(queue, model, "after removing the tail");

    assertThat(List.of(head, middle, tail))
        .allSatisfy(item -> assertThat(item.queueHandle()).isNull());
    assertDrainsLike(queue, model, "after removing head, middle and tail");
  }

  @Test
  void removingFromOneSideKeepsItemsOfTheOtherSideInOrder() {
    QueueFactory factory = factory();
    // Added in this order, these ranks form a valid min-max heap as they come, with the largest
    // rank but one (90) last, under the root's right child. Removing rank 5 (left subtree) must
    // not bury 90 below the left subtree's maximum (20), or the tail goes wrong once 100 leaves.
    FlowQueue queue = factory.create(BY_RANK);
    Model model = new Model(expectedOrder(factory));
    Items items = new Items(4);
    List<QueueItem> added = new ArrayList<>();
    for (long rank : new long[] {0, 20, 100, 5, 6, 50, 55, 15, 16, 17, 18, 90}) {
      TestQueueItem item = items.item(rank, rank);
      add(queue, model, item);
      added.add(item);
    }

    for (QueueItem item : List.of(added.get(3), added.get(2))) {
      assertThat(queue.remove(item)).as("remove %s", item).isTrue();
      model.remove(item);
      assertMatches(
          queue, model, "ranks 0,20,100,5,6,50,55,15,16,17,18,90; after removing " + item);
    }
    assertDrainsLike(queue, model, "after removing ranks 5 and 100");
  }

  @Test
  void removingAnyOneItemKeepsTheRestInOrder() {
    QueueFactory factory = factory();
    long seed = 0xC0FFEEL;
    Items items = new Items(seed);
    for (int size = 1; size <= 40; size++) {
      for (int victim = 0; victim < size; victim++) {
        FlowQueue queue = factory.create(BY_RANK);
        Model model = new Model(expectedOrder(factory));
        List<QueueItem> added = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          TestQueueItem item = items.random(1000);
          add(queue, model, item);
          added.add(item);
        }
        QueueItem removed = added.get(victim);
        String context =
            String.format(
                "seed=%d, added ranks %s, removed the %d-th added (%s)",
                seed, added, victim, removed);
        assertThat(queue.remove(removed)).as(context).isTrue();
        model.remove(removed);
        assertMatches(queue, model, context);
        assertDrainsLike(queue, model, context);
      }
    }
  }

  @Test
  void refusesItemsItDoesNotHoldAndStaysUnchanged() {
    QueueFactory factory = factory();
    FlowQueue queue = factory.create(BY_RANK);
    Model model = new Model(expectedOrder(factory));
    Items items = new Items(2);
    for (int i = 0; i < 12; i++) {
      add(queue, model, items.random(6));
    }

    TestQueueItem neverAdded = items.random(6);
    assertThat(queue.remove(neverAdded)).as("an item never added").isFalse();
    assertMatches(queue, model, "after refusing an item never added");

    QueueItem removed = model.items.get(4);
    assertThat(queue.remove(removed)).isTrue();
    model.remove(removed);
    assertThat(queue.remove(removed)).as("an item already removed").isFalse();
    assertMatches(queue, model, "after refusing an item already removed");

    QueueItem polled = Objects.requireNonNull(queue.pollHead(), "a non-empty queue's head");
    model.remove(polled);
    assertThat(queue.remove(polled)).as("an item already polled").isFalse();
    assertMatches(queue, model, "after refusing an item already polled");

    // Items held by other queues, of every kind, sitting at the same positions as ours.
    Stream.of(QueueFactory.list(), QueueFactory.maxMinHeap(), factory)
        .forEach(
            otherFactory -> {
              FlowQueue other = otherFactory.create(BY_RANK);
              List<TestQueueItem> foreign = new ArrayList<>();
              for (int i = 0; i < 12; i++) {
                TestQueueItem item = items.random(6);
                other.add(item);
                foreign.add(item);
              }
              for (TestQueueItem item : foreign) {
                assertThat(queue.remove(item))
                    .as("an item held by a %s queue", otherFactory)
                    .isFalse();
              }
              assertMatches(queue, model, "after refusing items of a " + otherFactory + " queue");
              for (TestQueueItem item : foreign) {
                assertThat(other.remove(item))
                    .as("the %s queue still holds %s", otherFactory, item)
                    .isTrue();
              }
              assertThat(other.isEmpty()).isTrue();
            });

    QueueItem moved = model.head();
    assertThat(queue.remove(moved)).isTrue();
    model.remove(moved);
    FlowQueue other = factory.create(BY_RANK);
    other.add(moved);
    assertThat(queue.remove(moved)).as("an item moved to another queue").isFalse();
    assertMatches(queue, model, "after refusing an item moved to another queue");
    assertThat(other.peekHead()).isSameAs(moved);

    assertDrainsLike(queue, model, "after the refusals");
  }

  @Test
  void drainsHeadFirstClearsHandlesAndCanBeReused() {
    QueueFactory factory = factory();
    FlowQueue queue = factory.create(BY_RANK);
    Model model = new Model(expectedOrder(factory));
    Items items = new Items(3);
    List<QueueItem> added = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      TestQueueItem item = items.random(10);
      add(queue, model, item);
      added.add(item);
    }

    assertDrainsLike(queue, model, "first drain");
    assertThat(added)
        .allSatisfy(item -> assertThat(queue.remove(item)).as("remove after drain").isFalse());
    assertThat(queue.drain()).as("second drain").isEmpty();

    for (QueueItem item : added) {
      add(queue, model, item);
    }
    assertMatches(queue, model, "after adding the drained items again");
    assertDrainsLike(queue, model, "drain after reuse");
  }

  @ParameterizedTest(name = "seed={0}")
  @ValueSource(longs = {1L, 42L, 0x5EEDL, 20_251_123L, -7_046_029_254_386_353_131L})
  void matchesAReferenceModelUnderRandomOperations(long seed) {
    QueueFactory factory = factory();
    Random random = new Random(seed);
    Items items = new Items(seed);
    FlowQueue queue = factory.create(BY_RANK);
    FlowQueue foreign = factory.create(BY_RANK);
    Model model = new Model(expectedOrder(factory));
    List<QueueItem> gone = new ArrayList<>();

    for (int step = 0; step < 6000; step++) {
      // Alternate growing and shrinking phases so the queue passes through many sizes and shapes.
      int addPercent = (step / 300) % 2 == 0 ? 65 : 30;
      int roll = random.nextInt(100);
      String op;
      if (roll < addPercent) {
        TestQueueItem item = items.random(32);
        op = "add " + item;
        add(queue, model, item);
      } else if (roll < addPercent + 40 * (100 - addPercent) / 100 && !model.items.isEmpty()) {
        QueueItem victim = model.items.get(random.nextInt(model.items.size()));
        op = "remove " + victim;
        assertThat(queue.remove(victim)).as("seed=%d step=%d %s", seed, step, op).isTrue();
        assertThat(victim.queueHandle())
            .as("seed=%d step=%d handle after %s", seed, step, op)
            .isNull();
        model.remove(victim);
        gone.add(victim);
      } else if (roll < 96) {
        QueueItem expected = model.headOrNull();
        op = "pollHead, expecting " + expected;
        assertThat(queue.pollHead()).as("seed=%d step=%d %s", seed, step, op).isSameAs(expected);
        if (expected != null) {
          model.remove(expected);
          gone.add(expected);
        }
      } else {
        QueueItem stranger;
        if (random.nextBoolean() && !gone.isEmpty()) {
          stranger = gone.get(random.nextInt(gone.size()));
        } else {
          TestQueueItem item = items.random(32);
          foreign.add(item);
          stranger = item;
        }
        op = "remove absent " + stranger;
        assertThat(queue.remove(stranger)).as("seed=%d step=%d %s", seed, step, op).isFalse();
      }
      assertMatches(
          queue, model, String.format("%s seed=%d step=%d after %s", factory, seed, step, op));

      if (step % 1000 == 999) {
        // Check the full order, then put everything back in insertion order.
        List<QueueItem> held = new ArrayList<>(model.items);
        assertDrainsLike(
            queue, model, String.format("%s seed=%d step=%d checkpoint", factory, seed, step));
        held.sort(BY_SEQUENCE);
        for (QueueItem item : held) {
          add(queue, model, item);
        }
      }
    }
    assertDrainsLike(queue, model, String.format("%s seed=%d at the end", factory, seed));
  }
}
