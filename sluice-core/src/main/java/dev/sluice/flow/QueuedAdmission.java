package dev.sluice.flow;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The admission of a request dispatched from a queue; closing it returns its in-flight capacity
 * once.
 *
 * <p>Dispatch completes a future the caller may already hold, so the caller can close the admission
 * before the controller has finished counting the dispatch (a future callback on another thread can
 * be that fast). The flow lease, and the close event, are therefore released by whichever of the
 * two comes second, so a flow is never collected before its outcome is counted on it. A request
 * dispatched on arrival has no such race: see {@link ArrivalAdmission}.
 */
final class QueuedAdmission implements Admission {
  private static final AtomicIntegerFieldUpdater<QueuedAdmission> STATE =
      AtomicIntegerFieldUpdater.newUpdater(QueuedAdmission.class, "state");
  private static final int COUNTED = 1;
  private static final int CLOSED = 2;

  private final FlowRequest request;
  private final Flow flow;
  private final long queueWaitNanos;
  private volatile int state;

  /** The admission of a request taken from a queue; {@link #counted()} follows the counting. */
  QueuedAdmission(QueuedRequest item, long queueWaitNanos) {
    this.request = item.request;
    this.flow = item.flow;
    this.queueWaitNanos = queueWaitNanos;
  }

  @Override
  public FlowRequest request() {
    return request;
  }

  @Override
  public long queueWaitNanos() {
    return queueWaitNanos;
  }

  @Override
  public boolean isClosed() {
    return (state & CLOSED) != 0;
  }

  @Override
  public void close() {
    int previous = getAndMark(CLOSED);
    if ((previous & CLOSED) != 0) {
      return;
    }
    flow.controller.returnInFlight(request);
    if ((previous & COUNTED) != 0) {
      flow.controller.afterAdmission(request, flow);
    }
  }

  @Override
  public CompletableFuture<Admission> requeue() {
    int previous = getAndMark(CLOSED);
    if ((previous & CLOSED) != 0) {
      return DefaultFlowController.alreadyClosed(this);
    }
    flow.controller.returnInFlight(request); // first: the detector sees the end before a redispatch
    CompletableFuture<Admission> again = flow.controller.requeue(request);
    if ((previous & COUNTED) != 0) {
      flow.controller.afterAdmission(request, flow);
    }
    return again;
  }

  /** The controller counted the dispatch. */
  void counted() {
    if ((getAndMark(COUNTED) & CLOSED) != 0) {
      flow.controller.afterAdmission(request, flow);
    }
  }

  private int getAndMark(int bit) {
    for (; ; ) {
      int current = state;
      if ((current & bit) != 0 || STATE.compareAndSet(this, current, current | bit)) {
        return current;
      }
    }
  }

  @Override
  public String toString() {
    return "Admission[" + request.flowKey() + (isClosed() ? ", closed]" : "]");
  }
}
