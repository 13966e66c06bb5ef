package dev.sluice.testing.conformance;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.queue.QueueItem;
import org.jspecify.annotations.Nullable;

/**
 * A plain {@link QueueItem} for the queue and policy conformance suites: every field is fixed at
 * creation except the queue-owned handle and index, which start cleared.
 */
public final class TestQueueItem implements QueueItem {

  private final FlowRequest request;
  private final long sequence;
  private final long enqueueNanos;
  private final long deadlineNanos;
  private final long receivedNanos;
  private @Nullable Object queueHandle;
  private int queueIndex = -1;

  /**
   * Creates an item.
   *
   * @param deadlineNanos the effective deadline, {@link Long#MAX_VALUE} for none
   */
  public TestQueueItem(
      FlowRequest request,
      long sequence,
      long enqueueNanos,
      long deadlineNanos,
      long receivedNanos) {
    this.request = request;
    this.sequence = sequence;
    this.enqueueNanos = enqueueNanos;
    this.deadlineNanos = deadlineNanos;
    this.receivedNanos = receivedNanos;
  }

  /** An item of {@code request} with every time at {@code sequence} and no deadline. */
  public static TestQueueItem of(FlowRequest request, long sequence) {
    return new TestQueueItem(request, sequence, sequence, Long.MAX_VALUE, sequence);
  }

  @Override
  public FlowRequest request() {
    return request;
  }

  @Override
  public long enqueueNanos() {
    return enqueueNanos;
  }

  @Override
  public long sequence() {
    return sequence;
  }

  @Override
  public long deadlineNanos() {
    return deadlineNanos;
  }

  @Override
  public long receivedNanos() {
    return receivedNanos;
  }

  @Override
  public @Nullable Object queueHandle() {
    return queueHandle;
  }

  @Override
  public void queueHandle(@Nullable Object handle) {
    this.queueHandle = handle;
  }

  @Override
  public int queueIndex() {
    return queueIndex;
  }

  @Override
  public void queueIndex(int index) {
    this.queueIndex = index;
  }

  @Override
  public String toString() {
    return "#" + sequence + (deadlineNanos == Long.MAX_VALUE ? "" : "@" + deadlineNanos);
  }
}
