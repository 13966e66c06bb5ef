package dev.sluice.backpressure;

/**
 * Told when the latch pauses or resumes, as Netty's {@code channelWritabilityChanged}. Every method
 * has a no-op default.
 *
 * <p>Threading: events are delivered after the controller's state already reflects them (so {@link
 * BackpressureController#isPaused()} and {@link BackpressureController#stats()} agree), never while
 * the controller holds a lock, one at a time and in the order the transitions happened: pause and
 * resume alternate. They run on a thread that caused a transition (or one that was delivering
 * earlier events); a listener that calls back into the controller does not re-enter itself, its own
 * events are delivered after it returns. A listener that throws is logged at {@code WARNING}
 * through {@link System.Logger} and breaks neither the latch nor the other listeners. Listeners
 * must be fast and must not block.
 */
public interface BackpressureListener {

  /**
   * The latch paused: producers get nothing until it resumes.
   *
   * @param signal the signal that reached its high mark
   * @param level its level at that moment
   */
  default void onPaused(String signal, long level) {}

  /** The latch resumed: producers may be granted work again. */
  default void onResumed() {}
}
