package dev.sluice.flow;

import dev.sluice.flow.queue.QueueItem;
import org.jspecify.annotations.Nullable;

/**
 * The controller's record of one request that did not dispatch on arrival: queued, or refused. Its
 * mutable fields are guarded by the lock of the shard it was admitted to; {@link #state} says who
 * owns the request's resources.
 */
final class QueuedRequest implements QueueItem {

  /** Not yet admitted to a shard. */
  static final int NEW = 0;

  /** In a queue; the shard owns it. */
  static final int QUEUED = 1;

  /** Taken out by dispatch; the dispatcher owns its resources. */
  static final int DISPATCHED = 2;

  /** Taken out by withdrawal, expiry, displacement or shutdown; the remover owns its resources. */
  static final int REMOVED = 3;

  final FlowRequest request;
  final Flow flow;
  final AdmissionFuture future;

  /** A dispatched request put back ({@link Admission#requeue}): it re-enters at its flow's head. */
  final boolean requeued;

  /** The queue it was admitted to; null while {@link #NEW}. */
  @Nullable FlowShard flowShard;

  int state = NEW;
  long enqueueNanos;
  long sequence;

  /** The caller's deadline until queued; then the effective deadline. */
  long deadlineNanos;

  private @Nullable Object queueHandle;
  private int queueIndex = -1;
  int deadlineIndex = -1;
  @Nullable QueuedRequest arrivalPrev; // null at the oldest, or when not queued
  @Nullable QueuedRequest arrivalNext; // null at the newest, or when not queued

  QueuedRequest(FlowRequest request, Flow flow, long callerDeadlineNanos) {
    this(request, flow, callerDeadlineNanos, false);
  }

  QueuedRequest(FlowRequest request, Flow flow, long callerDeadlineNanos, boolean requeued) {
    this.request = request;
    this.flow = flow;
    this.requeued = requeued;
    this.deadlineNanos = callerDeadlineNanos;
    this.future = new AdmissionFuture(this);
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
    long received = request.receivedNanos();
    return received == FlowRequest.NOT_SET ? enqueueNanos : received;
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
    return "QueuedRequest[" + (request.id() != null ? request.id() : request.flowKey()) + "]";
  }
}
