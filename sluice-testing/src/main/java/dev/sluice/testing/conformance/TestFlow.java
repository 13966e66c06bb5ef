package dev.sluice.testing.conformance;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.policy.FlowQueueView;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueItem;
import org.jspecify.annotations.Nullable;

/**
 * A {@link FlowQueueView} over a real {@link FlowQueue}. Counts the reads a fairness policy makes
 * through the view, so tests can bound a policy's work without timing it; tests themselves read the
 * queue directly.
 */
public final class TestFlow implements FlowQueueView {

  final FlowKey key;
  final FlowQueue queue;
  private @Nullable Object policyState;
  long reads;

  /** The deadline of the last item enqueued, for orderings that keep each flow's FIFO order. */
  long lastDeadline;

  /** A view of {@code queue} for the flow {@code key}. */
  public TestFlow(FlowKey key, FlowQueue queue) {
    this.key = key;
    this.queue = queue;
  }

  @Override
  public FlowKey key() {
    return key;
  }

  @Override
  public int size() {
    reads++;
    return queue.size();
  }

  @Override
  public long byteSize() {
    reads++;
    return queue.byteSize();
  }

  @Override
  public @Nullable QueueItem peekHead() {
    reads++;
    return queue.peekHead();
  }

  @Override
  public @Nullable Object policyState() {
    return policyState;
  }

  @Override
  public void policyState(@Nullable Object state) {
    this.policyState = state;
  }

  /** The queue itself, read without counting. */
  public FlowQueue queue() {
    return queue;
  }

  /** Reads made through the view so far. */
  public long reads() {
    return reads;
  }

  @Override
  public String toString() {
    return key.id() + "(" + queue.size() + ")";
  }
}
