package dev.sluice.bench.harness;

import dev.sluice.flow.Admission;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.FlowRequest;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

/**
 * The admissions a closed-loop benchmark holds: a request's admission joins the pool when the
 * request is dispatched; an operation takes one out, closes it (which dispatches a queued request)
 * and submits a replacement. A request that fails instead is remembered, and {@link #closeAll}
 * reports it, so a benchmark whose requests stop dispatching fails rather than measures.
 */
public final class ClosedLoop {
  private final Queue<Admission> admitted;
  private final boolean shared;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final BiConsumer<Admission, Throwable> onDispatch;

  private ClosedLoop(Queue<Admission> admitted, boolean shared) {
    this.admitted = admitted;
    this.shared = shared;
    this.onDispatch =
        (admission, thrown) -> {
          if (admission != null) {
            admitted.add(admission);
          } else {
            failure.compareAndSet(null, thrown);
          }
        };
  }

  /** A pool for one benchmark thread. */
  public static ClosedLoop forOneThread() {
    return new ClosedLoop(new ArrayDeque<>(), false);
  }

  /** A pool the benchmark threads share. */
  public static ClosedLoop shared() {
    return new ClosedLoop(new ConcurrentLinkedQueue<>(), true);
  }

  /** Submits {@code request} to {@code controller}; its admission joins the pool on dispatch. */
  public void submit(FlowController controller, FlowRequest request) {
    // onDispatch takes both outcomes; the stage whenComplete returns adds nothing.
    var unused = controller.submit(request).whenComplete(onDispatch);
  }

  /**
   * One closed-loop step: takes the oldest admission out of the pool, closes it (dispatching a
   * queued request) and submits {@code request} in its place; returns the closed admission. A
   * shared pool can be empty for a moment (another thread is between closing and dispatching): the
   * step waits for an admission.
   *
   * @throws IllegalStateException if a one-thread pool is empty: nothing is being dispatched
   */
  public Admission closeOneAndSubmit(FlowController controller, FlowRequest request) {
    Admission done;
    while ((done = admitted.poll()) == null) {
      if (!shared) {
        throw new IllegalStateException("no admission to close: nothing was dispatched");
      }
      Thread.onSpinWait();
    }
    done.close();
    submit(controller, request);
    return done;
  }

  /** Whether the pool holds no admission. */
  public boolean isEmpty() {
    return admitted.isEmpty();
  }

  /**
   * Closes the admissions in the pool until none is left, letting every queued request through;
   * call it before closing the controller, whose shutdown would fail the requests still queued.
   *
   * @throws IllegalStateException if any request failed instead of being dispatched
   */
  public void closeAll() {
    for (Admission admission = admitted.poll(); admission != null; admission = admitted.poll()) {
      admission.close();
    }
    Throwable thrown = failure.get();
    if (thrown != null) {
      throw new IllegalStateException("a request failed in a closed-loop benchmark", thrown);
    }
  }
}
