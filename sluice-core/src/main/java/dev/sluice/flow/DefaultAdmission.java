package dev.sluice.flow;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The admission of one dispatched request; closing it returns its in-flight capacity once.
 *
 * <p>The caller may close the admission before the controller has finished counting the dispatch
 * (a future callback on another thread can be that fast). The flow lease, and the close event, are
 * therefore released by whichever of the two comes second, so a flow is never collected before its
 * outcome is counted on it.
 */
final class DefaultAdmission implements Admission {
  private static final AtomicIntegerFieldUpdater<DefaultAdmission> STATE =
      AtomicIntegerFieldUpdater.newUpdater(DefaultAdmission.class, "state");
  private static final int COUNTED = 1;
  private static final int CLOSED = 2;

  private final DefaultFlowController controller;
  private final QueuedRequest item;
  private final long queueWaitNanos;
  private volatile int state;

  DefaultAdmission(DefaultFlowController controller, QueuedRequest item, long queueWaitNanos) {
    this.controller = controller;
    this.item = item;
    this.queueWaitNanos = queueWaitNanos;
  }

  @Override
  public FlowRequest request() {
    return item.request;
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
    controller.returnInFlight(item);
    if ((previous & COUNTED) != 0) {
      controller.afterAdmission(item);
    }
  }

  /** The controller counted the dispatch. */
  void counted() {
    if ((getAndMark(COUNTED) & CLOSED) != 0) {
      controller.afterAdmission(item);
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
    return "Admission[" + item.request.flowKey() + (isClosed() ? ", closed]" : "]");
  }
}
