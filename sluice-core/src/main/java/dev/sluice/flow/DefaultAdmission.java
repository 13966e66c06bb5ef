package dev.sluice.flow;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** The admission of one dispatched request; closing it returns its in-flight capacity once. */
final class DefaultAdmission implements Admission {
  private static final AtomicIntegerFieldUpdater<DefaultAdmission> CLOSED =
      AtomicIntegerFieldUpdater.newUpdater(DefaultAdmission.class, "closed");

  private final DefaultFlowController controller;
  private final QueuedRequest item;
  private final long queueWaitNanos;
  private volatile int closed;

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
    return closed != 0;
  }

  @Override
  public void close() {
    if (CLOSED.compareAndSet(this, 0, 1)) {
      controller.finishDispatched(item, true);
    }
  }

  @Override
  public String toString() {
    return "Admission[" + item.request.flowKey() + (isClosed() ? ", closed]" : "]");
  }
}
