package dev.sluice.gateway.internal.proxy;

import dev.sluice.flow.Admission;
import dev.sluice.flow.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One request's claim: its admission, given back exactly once by {@link #finish()} (which also
 * gives back the endpoint its dispatch reserved). A preempted request's claim moves to the
 * admission of its re-entry ({@link #requeued}); whichever of that and {@link #finish()} comes
 * second sees the other, so the re-entry is withdrawn if the client has gone. Thread-safe.
 */
final class Exchange {
  private volatile CompletableFuture<Admission> admission;
  private final AtomicBoolean finished = new AtomicBoolean();
  volatile Scheduler.@Nullable Cancellable noEndpointTimer;

  /** Run once by {@link #finish()}: stops the current dispatch from being a preemption victim. */
  volatile @Nullable Runnable untrack;

  Exchange(CompletableFuture<Admission> admission) {
    this.admission = admission;
  }

  boolean isFinished() {
    return finished.get();
  }

  /** The request was preempted and re-entered the queue: {@code again} is its claim now. */
  void requeued(CompletableFuture<Admission> again) {
    admission = again;
    if (finished.get()) {
      release(again);
    }
  }

  void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    Runnable stop = untrack;
    if (stop != null) {
      stop.run();
    }
    Scheduler.Cancellable timer = noEndpointTimer;
    if (timer != null) {
      timer.cancel();
    }
    release(admission);
  }

  /** Withdraws the request if it is still queued; otherwise closes what it was granted. */
  private static void release(CompletableFuture<Admission> admission) {
    admission.cancel(false);
    if (admission.isDone() && !admission.isCompletedExceptionally()) {
      admission.join().close();
    }
  }
}
