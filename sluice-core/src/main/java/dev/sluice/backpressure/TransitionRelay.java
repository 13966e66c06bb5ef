package dev.sluice.backpressure;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers the latch's transitions to the {@link BackpressureListener}s. Invariant: listeners see
 * every transition once, in the order {@link #enqueue} was called (under the controller's lock),
 * one at a time and never re-entrantly, on a thread that holds no lock; a listener that throws is
 * logged and does not keep the others from being told.
 *
 * <p>Thread-safe.
 */
final class TransitionRelay {
  private static final System.Logger LOG = System.getLogger(BackpressureController.class.getName());

  private final BackpressureListener[] listeners;
  private final ConcurrentLinkedQueue<Transition> events = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();

  TransitionRelay(List<BackpressureListener> listeners) {
    this.listeners = listeners.toArray(new BackpressureListener[0]);
  }

  /** Queues a transition; call in transition order (under the lock that made it). */
  void enqueue(Transition transition) {
    events.add(transition);
  }

  /** Outside any lock: delivers the pending transitions, unless another thread is doing so. */
  void deliver() {
    // One thread at a time delivers, so listeners see transitions in order and never re-entrantly.
    while (!events.isEmpty() && delivering.compareAndSet(false, true)) {
      try {
        Transition next;
        while ((next = events.poll()) != null) {
          notifyListeners(next);
        }
      } finally {
        delivering.set(false);
      }
    }
  }

  private void notifyListeners(Transition transition) {
    for (BackpressureListener listener : listeners) {
      try {
        if (transition.paused()) {
          listener.onPaused(transition.signal(), transition.level());
        } else {
          listener.onResumed();
        }
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "backpressure listener "
                + listener
                + " failed on "
                + (transition.paused() ? "onPaused" : "onResumed"),
            e);
      }
    }
  }
}
