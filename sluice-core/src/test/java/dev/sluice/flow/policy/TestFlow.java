package dev.sluice.flow.policy;

import dev.sluice.flow.FlowKey;
import dev.sluice.flow.queue.FlowQueue;
import dev.sluice.flow.queue.QueueItem;

/**
 * A {@link FlowQueueView} over a real {@link FlowQueue}. Counts the reads a fairness policy makes
 * through the view, so tests can bound a policy's work without timing it; tests themselves read the
 * queue directly.
 */
final class TestFlow implements FlowQueueView {

  final FlowKey key;
  final FlowQueue queue;
  private Object policyState;
  long reads;

  /** The deadline of the last item enqueued, for orderings that keep each flow's FIFO order. */
  long lastDeadline;

  TestFlow(FlowKey key, FlowQueue queue) {
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
  public QueueItem peekHead() {
    reads++;
    return queue.peekHead();
  }

  @Override
  public Object policyState() {
    return policyState;
  }

  @Override
  public void policyState(Object state) {
    this.policyState = state;
  }

  @Override
  public String toString() {
    return key.id() + "(" + queue.size() + ")";
  }
}
