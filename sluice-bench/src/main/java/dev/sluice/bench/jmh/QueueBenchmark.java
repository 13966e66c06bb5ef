package dev.sluice.bench.jmh;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The operations of each {@link FlowQueue} implementation, adapted from GIE's {@code
 * BenchmarkQueues}: add + poll head, add + remove by handle (a withdrawal), add + peek head and
 * tail + remove tail, and 100 adds then 100 polls. {@code backlog} items sit in the queue
 * throughout, so the heap's O(log n) shows. Queues are confined to a shard lock in the controller,
 * so these run on one thread. Items are ordered first-come first-served for {@code list} and
 * earliest deadline first for {@code max-min-heap} (the orderings each is chosen for).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class QueueBenchmark {
  private static final int BULK = 100;
  private static final FlowRequest REQUEST = FlowRequest.of(FlowKey.of("queue-bench"));

  @Param({"list", "max-min-heap"})
  public String queue;

  @Param({"0", "1000"})
  public int backlog;

  private FlowQueue flowQueue;
  private Item[] bulk;
  private Item single;
  private long sequence;

  @Setup(Level.Trial)
  public void setUp() {
    QueueFactory factory = QueueFactory.named(queue);
    OrderingPolicy ordering = queue.equals("list") ? OrderingPolicy.fcfs() : OrderingPolicy.edf();
    flowQueue = factory.create(ordering.comparator());
    for (int i = 0; i < backlog; i++) {
      flowQueue.add(next(new Item()));
    }
    bulk = new Item[BULK];
    for (int i = 0; i < BULK; i++) {
      bulk[i] = new Item();
    }
    single = new Item();
  }

  /** Stamps {@code item} as the newest arrival, with a deadline in arrival order. */
  private Item next(Item item) {
    item.sequence = sequence++;
    item.deadline = item.sequence * 1_000;
    return item;
  }

  /** Add one, take the head: the queue's steady state under dispatch. */
  @Benchmark
  public @Nullable QueueItem addPollHead() {
    QueueItem head = flowQueue.pollHead();
    flowQueue.add(next(head == null ? single : (Item) head));
    return head;
  }

  /** Add one and remove it by handle: a withdrawal or expiry. */
  @Benchmark
  public boolean addRemove() {
    flowQueue.add(next(single));
    return flowQueue.remove(single);
  }

  /** Add one, look at both ends (what fairness and displacement look at), remove the tail. */
  @Benchmark
  public @Nullable QueueItem addPeekRemoveTail() {
    flowQueue.add(next(single));
    QueueItem head = flowQueue.peekHead();
    QueueItem tail = flowQueue.peekTail();
    flowQueue.remove(Objects.requireNonNull(tail, "the tail just added"));
    return head;
  }

  /** 100 adds then 100 polls (time per item). */
  @Benchmark
  @OperationsPerInvocation(BULK)
  public int bulkAddThenPoll() {
    for (Item item : bulk) {
      flowQueue.add(next(item));
    }
    for (int i = 0; i < BULK; i++) {
      bulk[i] = (Item) flowQueue.pollHead(); // the oldest leave; they are the next bulk
    }
    return bulk.length;
  }

  /** A minimal queue item; the controller's is package-private. */
  static final class Item implements QueueItem {
    long sequence;
    long deadline;
    private @Nullable Object handle;
    private int index = -1;

    @Override
    public FlowRequest request() {
      return REQUEST;
    }

    @Override
    public long enqueueNanos() {
      return sequence;
    }

    @Override
    public long sequence() {
      return sequence;
    }

    @Override
    public long deadlineNanos() {
      return deadline;
    }

    @Override
    public long receivedNanos() {
      return sequence;
    }

    @Override
    public @Nullable Object queueHandle() {
      return handle;
    }

    @Override
    public void queueHandle(@Nullable Object handle) {
      this.handle = handle;
    }

    @Override
    public int queueIndex() {
      return index;
    }

    @Override
    public void queueIndex(int index) {
      this.index = index;
    }
  }
}
