package dev.sluice.flow;

import dev.sluice.flow.queue.QueueItem;

/**
 * The controller's record of one submitted request. Its mutable fields are guarded by the lock of
 * the shard it was admitted to; {@link #state} says who owns the request's resources.
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
  final long callerDeadlineNanos;
  final AdmissionFuture future;

  FlowShard flowShard;
  int state = NEW;
  long enqueueNanos;
  long receivedNanos;
  long sequence;
  long deadlineNanos = Long.MAX_VALUE;
  private Object queueHandle;
  private int queueIndex = -1;
  int deadlineIndex = -1;
  QueuedRequest arrivalPrev;
  QueuedRequest arrivalNext;

  QueuedRequest(DefaultFlowController controller, FlowRequest request, Flow flow, long callerDeadlineNanos) {
    this.request = request;
    this.flow = flow;
    this.callerDeadlineNanos = callerDeadlineNanos;
    this.future = new AdmissionFuture(controller, this);
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
  public Object queueHandle() {
    return queueHandle;
  }

  @Override
  public void queueHandle(Object handle) {
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
