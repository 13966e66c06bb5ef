package dev.sluice.flow;

import java.util.Arrays;
import java.util.List;

/**
 * Receives the controller's events, for metrics and logs. Every method has a no-op default.
 *
 * <p>Methods are called on the thread that caused the event (a submitter, a closer of an admission,
 * the scheduler), never while the controller holds an internal lock, and may be called
 * concurrently. They must be fast and must not throw; an exception thrown by a listener is caught
 * and dropped so that it cannot break the controller's accounting.
 */
public interface FlowControlListener {

  /** A listener that ignores every event. */
  FlowControlListener NO_OP = new FlowControlListener() {};

  /**
   * A listener that forwards every event to each of {@code listeners}, in the given order. They are
   * isolated from each other: a listener that throws a {@link RuntimeException} is logged at {@code
   * WARNING} (through {@link System.Logger}) and the event still reaches the listeners after it.
   * Immutable and thread-safe if its listeners are; with no listeners, {@link #NO_OP}.
   *
   * @throws NullPointerException if {@code listeners} or one of them is null
   */
  static FlowControlListener of(FlowControlListener... listeners) {
    return of(Arrays.asList(listeners));
  }

  /**
   * The composite of {@code listeners}, as {@link #of(FlowControlListener...)}; the list is copied.
   *
   * @throws NullPointerException if {@code listeners} or one of them is null
   */
  static FlowControlListener of(List<? extends FlowControlListener> listeners) {
    return listeners.isEmpty() ? NO_OP : new CompositeListener(listeners);
  }

  /**
   * A request ended with {@code outcome}. Called exactly once per submitted request.
   *
   * @param queueNanos how long it waited in its queue (0 if it never queued)
   */
  default void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {}

  /**
   * Dispatched work finished: its {@link Admission} was closed. The controller's statistics already
   * count it out of flight, so a listener waiting for in-flight work to reach zero can read {@link
   * FlowController#stats()} here. The request no longer holds its flow, so an idle flow may be
   * collected (and reported) before a slow listener runs.
   */
  default void onAdmissionClosed(FlowRequest request) {}

  /** A flow was created on first use. */
  default void onFlowCreated(FlowKey key) {}

  /** An idle flow was collected. */
  default void onFlowCollected(FlowKey key) {}

  /** A dynamic band was created for a priority not in the configuration. */
  default void onBandCreated(int priority) {}

  /** An idle dynamic band was collected. */
  default void onBandCollected(int priority) {}
}
