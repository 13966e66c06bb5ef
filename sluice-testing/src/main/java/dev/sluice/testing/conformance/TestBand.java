package dev.sluice.testing.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.FlowQueueView;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Drives one {@link FairnessPolicy.BandState} the way the controller does: every change to a flow's
 * queue is made here and then reported to the state, and every {@link #pick()} is checked against
 * the flows' actual contents.
 *
 * <p>Checked on every pick: {@code null} exactly when no flow known to the state is backlogged,
 * otherwise a backlogged flow the state has been told about and not told to forget.
 */
public final class TestBand {

  /** Dispatch order inside flows and, for global-strict, across them: by deadline, then arrival. */
  public static final Comparator<QueueItem> BY_DEADLINE =
      Comparator.comparingLong(QueueItem::deadlineNanos).thenComparingLong(QueueItem::sequence);

  /** One dispatch: the flow picked and the head it gave. */
  public record Dispatch(TestFlow flow, QueueItem item) {}

  private final FairnessPolicy.BandState state;
  private final QueueFactory queues;
  private final String context;

  /** Flows enqueued to since they were last removed: the ones pick() may return. */
  private final Set<TestFlow> known = new LinkedHashSet<>();

  private long nextSequence = 1;
  private long enqueued;
  private long withdrawn;
  private long dispatched;
  private long picks;

  /**
   * A band whose flows queue in {@code queues} under {@link #BY_DEADLINE}.
   *
   * @param context what assertion messages start with, for example the policy and the seed
   */
  public TestBand(FairnessPolicy policy, QueueFactory queues, String context) {
    this.state = policy.newBandState(BY_DEADLINE);
    this.queues = queues;
    this.context = context;
  }

  /** A band of FIFO lists; {@link #enqueue(TestFlow, long)} keeps each flow's deadlines rising. */
  public TestBand(FairnessPolicy policy, String context) {
    this(policy, QueueFactory.list(), context);
  }

  /** A new flow view (not yet known to the state: it is once something is enqueued). */
  public TestFlow flow(String id) {
    return new TestFlow(FlowKey.of(id), queues.create(BY_DEADLINE));
  }

  /** Enqueues an item of {@code cost} with a deadline after the flow's previous one. */
  public QueueItem enqueue(TestFlow flow, long cost) {
    return enqueue(flow, cost, flow.lastDeadline + 1 + (nextSequence * 7919) % 1000);
  }

  /** Enqueues an item of {@code cost} with the given deadline. */
  public QueueItem enqueue(TestFlow flow, long cost, long deadlineNanos) {
    FlowRequest request = FlowRequest.builder(flow.key).cost(cost).byteSize(cost).build();
    long sequence = nextSequence++;
    TestQueueItem item = new TestQueueItem(request, sequence, sequence, deadlineNanos, sequence);
    flow.lastDeadline = Math.max(flow.lastDeadline, deadlineNanos);
    flow.queue.add(item);
    known.add(flow);
    enqueued++;
    state.onEnqueued(flow, item);
    return item;
  }

  /** Takes {@code item} out of {@code flow} without dispatching it (withdrawal, expiry, ...). */
  public void withdraw(TestFlow flow, QueueItem item) {
    assertThat(flow.queue.remove(item)).as("%s: withdraw %s from %s", context, item, flow).isTrue();
    withdrawn++;
    state.onRemoved(flow, item, false);
  }

  /** Asks the state for the next flow and checks the answer against the flows' contents. */
  public @Nullable TestFlow pick() {
    FlowQueueView picked = state.pick();
    picks++;
    List<TestFlow> backlogged = backlogged();
    if (backlogged.isEmpty()) {
      assertThat(picked).as("%s: pick() with no flow backlogged", context).isNull();
      return null;
    }
    assertThat(picked).as("%s: pick() with %s backlogged", context, backlogged).isNotNull();
    assertThat(picked)
        .as(
            "%s: pick() returns a backlogged flow it was told about; backlogged %s",
            context, backlogged)
        .isIn(backlogged);
    return (TestFlow) picked;
  }

  /** Picks a flow and dispatches its head, as the controller does; null when nothing is queued. */
  public @Nullable Dispatch dispatch() {
    TestFlow flow = pick();
    if (flow == null) {
      return null;
    }
    QueueItem head = Objects.requireNonNull(flow.queue.peekHead(), "a picked flow's head");
    assertThat(flow.queue.remove(head)).as("%s: remove head of %s", context, flow).isTrue();
    dispatched++;
    state.onRemoved(flow, head, true);
    return new Dispatch(flow, head);
  }

  /** Tells the state that {@code flow}, which must be empty, leaves the band. */
  public void remove(TestFlow flow) {
    assertThat(flow.queue.isEmpty()).as("%s: only empty flows leave; %s", context, flow).isTrue();
    known.remove(flow);
    state.onFlowRemoved(flow);
  }

  /** Dispatches until nothing is left; returns the dispatches in order. */
  public List<Dispatch> dispatchAll() {
    List<Dispatch> dispatches = new ArrayList<>();
    for (Dispatch dispatch = dispatch(); dispatch != null; dispatch = dispatch()) {
      dispatches.add(dispatch);
    }
    return dispatches;
  }

  /** The flows known to the state that hold items. */
  public List<TestFlow> backlogged() {
    return known.stream().filter(flow -> !flow.queue.isEmpty()).toList();
  }

  /** What assertion messages start with. */
  public String context() {
    return context;
  }

  /** Items enqueued so far. */
  public long enqueued() {
    return enqueued;
  }

  /** Items withdrawn (not dispatched) so far. */
  public long withdrawn() {
    return withdrawn;
  }

  /** Items dispatched so far. */
  public long dispatched() {
    return dispatched;
  }

  /** Calls to {@link #pick()} so far. */
  public long picks() {
    return picks;
  }
}
