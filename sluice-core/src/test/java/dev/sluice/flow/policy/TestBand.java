package dev.sluice.flow.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.flow.queue.QueueItem;
import dev.sluice.flow.queue.TestQueueItem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Drives one {@link FairnessPolicy.BandState} the way the controller does: every change to a flow's
 * queue is made here and then reported to the state, and every {@link #pick()} is checked against
 * the flows' actual contents.
 *
 * <p>Checked on every pick: {@code null} exactly when no flow known to the state is backlogged,
 * otherwise a backlogged flow the state has been told about and not told to forget.
 */
final class TestBand {

  /** Dispatch order inside flows and, for global-strict, across them: by deadline, then arrival. */
  static final Comparator<QueueItem> BY_DEADLINE =
      Comparator.comparingLong(QueueItem::deadlineNanos).thenComparingLong(QueueItem::sequence);

  record Dispatch(TestFlow flow, QueueItem item) {}

  final FairnessPolicy.BandState state;
  private final QueueFactory queues;
  private final String context;

  /** Flows enqueued to since they were last removed: the ones pick() may return. */
  private final Set<TestFlow> known = new LinkedHashSet<>();

  private long nextSequence = 1;
  long enqueued;
  long withdrawn;
  long dispatched;
  long picks;

  /**
   * A band whose flows queue in {@code queues} under {@link #BY_DEADLINE}.
   *
   * @param context what assertion messages start with, for example the policy and the seed
   */
  TestBand(FairnessPolicy policy, QueueFactory queues, String context) {
    this.state = policy.newBandState(BY_DEADLINE);
    this.queues = queues;
    this.context = context;
  }

  /** A band of FIFO lists; {@link #enqueue(TestFlow, long)} keeps each flow's deadlines rising. */
  TestBand(FairnessPolicy policy, String context) {
    this(policy, QueueFactory.list(), context);
  }

  TestFlow flow(String id) {
    return new TestFlow(FlowKey.of(id), queues.create(BY_DEADLINE));
  }

  /** Enqueues an item of {@code cost} with a deadline after the flow's previous one. */
  QueueItem enqueue(TestFlow flow, long cost) {
    return enqueue(flow, cost, flow.lastDeadline + 1 + (nextSequence * 7919) % 1000);
  }

  QueueItem enqueue(TestFlow flow, long cost, long deadlineNanos) {
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
  void withdraw(TestFlow flow, QueueItem item) {
    assertThat(flow.queue.remove(item)).as("%s: withdraw %s from %s", context, item, flow).isTrue();
    withdrawn++;
    state.onRemoved(flow, item, false);
  }

  /** Asks the state for the next flow and checks the answer against the flows' contents. */
  TestFlow pick() {
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
  Dispatch dispatch() {
    TestFlow flow = pick();
    if (flow == null) {
      return null;
    }
    QueueItem head = flow.queue.peekHead();
    assertThat(flow.queue.remove(head)).as("%s: remove head of %s", context, flow).isTrue();
    dispatched++;
    state.onRemoved(flow, head, true);
    return new Dispatch(flow, head);
  }

  /** Tells the state that {@code flow}, which must be empty, leaves the band. */
  void remove(TestFlow flow) {
    assertThat(flow.queue.isEmpty()).as("%s: only empty flows leave; %s", context, flow).isTrue();
    known.remove(flow);
    state.onFlowRemoved(flow);
  }

  /** Dispatches until nothing is left; returns the dispatches in order. */
  List<Dispatch> dispatchAll() {
    List<Dispatch> dispatches = new ArrayList<>();
    for (Dispatch dispatch = dispatch(); dispatch != null; dispatch = dispatch()) {
      dispatches.add(dispatch);
    }
    return dispatches;
  }

  List<TestFlow> backlogged() {
    return known.stream().filter(flow -> !flow.queue.isEmpty()).toList();
  }

  String context() {
    return context;
  }
}
