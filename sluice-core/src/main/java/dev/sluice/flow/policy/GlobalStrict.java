package dev.sluice.flow.policy;

import dev.sluice.flow.queue.QueueItem;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * The band as one logical queue: a heap of backlogged flows keyed by their heads under the band's
 * ordering, so the best head across all flows dispatches next in O(log F). GIE scans every flow per
 * pick. All flows of a band share its ordering policy, so GIE's incompatible-ordering error cannot
 * arise here.
 */
final class GlobalStrict implements FairnessPolicy {

  static final GlobalStrict INSTANCE = new GlobalStrict();

  private GlobalStrict() {}

  @Override
  public String name() {
    return "global-strict";
  }

  @Override
  public BandState newBandState(Comparator<QueueItem> ordering) {
    return new State(ordering);
  }

  @Override
  public String toString() {
    return name();
  }

  private static final class State implements BandState {
    private final FlowHeap heap;

    State(Comparator<QueueItem> ordering) {
      heap = new FlowHeap((a, b) -> ordering.compare(a.peekHead(), b.peekHead()));
    }

    @Override
    public void onEnqueued(FlowQueueView flow, QueueItem item) {
      if (flow.policyState() == null) {
        flow.policyState(new FlowHeap.Slot());
      }
      if (heap.contains(flow)) {
        heap.update(flow);
      } else {
        heap.add(flow);
      }
    }

    @Override
    public void onRemoved(FlowQueueView flow, QueueItem item, boolean dispatched) {
      if (!heap.contains(flow)) {
        return;
      }
      if (flow.size() == 0) {
        heap.remove(flow);
      } else {
        heap.update(flow);
      }
    }

    @Override
    public @Nullable FlowQueueView pick() {
      return heap.peek();
    }

    @Override
    public void onFlowRemoved(FlowQueueView flow) {
      heap.forget(flow);
    }
  }
}
