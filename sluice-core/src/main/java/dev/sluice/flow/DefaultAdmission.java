package dev.sluice.flow;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The admission of one dispatched request; closing it returns its in-flight capacity once.
 *
 * <p>A request dispatched from a queue completes a future the caller may already hold, so the
 * caller can close the admission before the controller has finished counting the dispatch (a
 * future callback on another thread can be that fast). The flow lease, and the close event, are
 * therefore released by whichever of the two comes second, so a flow is never collected before its
 * outcome is counted on it. A request dispatched on arrival is counted before its caller sees the
 * admission: that admission is created {@linkplain #countedAtCreation counted}, a final field, so
 * every thread sees it however the admission was handed over, and {@link #state} starts at 0
 * without a store.
 */
final class DefaultAdmission implements Admission {
  private static final AtomicIntegerFieldUpdater<DefaultAdmission> STATE =
      AtomicIntegerFieldUpdater.newUpdater(DefaultAdmission.class, "state");
  private static final int COUNTED = 1;
  private static final int CLOSED = 2;

  private final DefaultFlowController controller;
  private final FlowRequest request;
  private final Flow flow;
  private final long queueWaitNanos;
  /** Dispatched on arrival: counted before the admission existed. */
  private final boolean countedAtCreation;
  private volatile int state;

  private DefaultAdmission(DefaultFlowController controller, FlowRequest request, Flow flow,
      long queueWaitNanos, boolean countedAtCreation) {
    this.controller = controller;
    this.request = request;
    this.flow = flow;
    this.queueWaitNanos = queueWaitNanos;
    this.countedAtCreation = countedAtCreation;
  }

  /** The admission of a request taken from a queue; {@link #counted()} follows the counting. */
  static DefaultAdmission dequeued(DefaultFlowController controller, QueuedRequest item, long queueWaitNanos) {
    return new DefaultAdmission(controller, item.request, item.flow, queueWaitNanos, false);
  }

  /** The admission of a request dispatched on arrival and already counted. */
  static DefaultAdmission counted(DefaultFlowController controller, FlowRequest request, Flow flow) {
    return new DefaultAdmission(controller, request, flow, 0, true);
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
    controller.returnInFlight(request);
    if (countedAtCreation || (previous & COUNTED) != 0) {
      controller.afterAdmission(request, flow);
    }
  }

  /** The controller counted the dispatch of a {@linkplain #dequeued dequeued} request. */
  void counted() {
    if ((getAndMark(COUNTED) & CLOSED) != 0) {
      controller.afterAdmission(request, flow);
    }
  }

  private int getAndMark(int bit) {
    for (;;) {
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
