package dev.sluice.flow;

import java.util.concurrent.CompletableFuture;

/**
 * The future {@link FlowController#submit} returns for a request that queues (one dispatched on
 * arrival gets a future created complete). Only the controller completes it normally; a caller's
 * cancellation or exceptional completion withdraws the request. Whoever completes it first decides
 * the request's one outcome.
 */
final class AdmissionFuture extends CompletableFuture<Admission> {

  private final QueuedRequest item;

  AdmissionFuture(QueuedRequest item) {
    this.item = item;
  }

  /** The controller's completion with an admission; false if the caller withdrew first. */
  boolean admit(Admission admission) {
    return super.complete(admission);
  }

  /** The controller's rejection or eviction; false if the caller withdrew first. */
  boolean fail(FlowControlException exception) {
    return super.completeExceptionally(exception);
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    if (super.cancel(mayInterruptIfRunning)) {
      item.flow.controller.withdraw(item);
      return true;
    }
    return false;
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    if (super.completeExceptionally(ex)) {
      item.flow.controller.withdraw(item);
      return true;
    }
    return false;
  }

  @Override
  public boolean complete(Admission value) {
    throw new UnsupportedOperationException(
        "complete: only the flow controller completes an admission future (cancel it to withdraw)");
  }

  @Override
  public void obtrudeValue(Admission value) {
    throw new UnsupportedOperationException("obtrudeValue: not supported on an admission future");
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw new UnsupportedOperationException(
        "obtrudeException: not supported on an admission future");
  }
}
