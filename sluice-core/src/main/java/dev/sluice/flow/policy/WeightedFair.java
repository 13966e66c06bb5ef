package dev.sluice.flow.policy;

import static dev.sluice.internal.Preconditions.checkArgument;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.QueueItem;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Start-time fair queuing (Goyal et al., 1996) charged by request cost. Each flow carries a start
 * and a finish tag in virtual time; the backlogged flow with the least start tag goes next; a
 * dispatch of cost {@code c} advances the flow's finish tag by {@code c / weight}, and virtual time
 * follows the start tag of the work in service. A flow that becomes backlogged starts at {@code
 * max(virtual time, its finish tag)}, so idle time banks no credit. Over any interval in which two
 * flows stay backlogged, the cost they receive differs from their weight ratio by at most one
 * maximum request cost each.
 */
final class WeightedFair implements FairnessPolicy {
  /** Every flow at weight 1: the default of every band. */
  static final WeightedFair EQUAL = new WeightedFair(key -> 1.0);

  private final ToDoubleFunction<FlowKey> weights;

  WeightedFair(ToDoubleFunction<FlowKey> weights) {
    this.weights = weights;
  }

  static void checkWeight(String field, double weight) {
    checkArgument(
        weight > 0 && !Double.isInfinite(weight),
        "%s: %s (expected: a positive finite number)",
        field,
        weight);
  }

  @Override
  public String name() {
    return "weighted-fair";
  }

  @Override
  public BandState newBandState(Comparator<QueueItem> ordering) {
    return new State();
  }

  @Override
  public String toString() {
    return name();
  }

  private static final class Tags extends FlowHeap.Slot {
    final double weight;
    double start;
    double finish;

    Tags(double weight) {
      this.weight = weight;
    }
  }

  private final class State implements BandState {
    private final FlowHeap heap = new FlowHeap(State::compare);
    private double virtualTime;

    private static int compare(FlowQueueView a, FlowQueueView b) {
      int byStart = Double.compare(heaped(a).start, heaped(b).start);
      return byStart != 0 ? byStart : a.key().compareTo(b.key());
    }

    /** The tags of a flow in the heap: {@link #onEnqueued} set them before adding it. */
    private static Tags heaped(FlowQueueView flow) {
      return (Tags) Objects.requireNonNull(flow.policyState(), "a heaped flow has its tags");
    }

    private Tags tags(FlowQueueView flow) {
      Tags tags = (Tags) flow.policyState();
      if (tags == null) {
        double weight = weights.applyAsDouble(flow.key());
        tags = new Tags(weight > 0 && !Double.isInfinite(weight) ? weight : 1.0);
        flow.policyState(tags);
      }
      return tags;
    }

    @Override
    public void onEnqueued(FlowQueueView flow, QueueItem item) {
      Tags tags = tags(flow);
      if (!heap.contains(flow)) {
        tags.start = Math.max(virtualTime, tags.finish);
        heap.add(flow);
      }
    }

    @Override
    public void onRemoved(FlowQueueView flow, QueueItem item, boolean dispatched) {
      Tags tags = (Tags) flow.policyState();
      if (tags == null || !heap.contains(flow)) {
        return;
      }
      if (dispatched) {
        virtualTime = Math.max(virtualTime, tags.start);
        tags.finish = tags.start + item.request().cost() / tags.weight;
        tags.start = tags.finish;
      }
      if (flow.size() == 0) {
        heap.remove(flow);
      } else if (dispatched) {
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
