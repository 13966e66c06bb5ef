package dev.sluice.flow.saturation;

import dev.sluice.flow.FlowRequest;

/**
 * Tells how loaded the backend is: the gate every dispatch passes. The controller dispatches a
 * band's work only while {@link #saturation()} is below the band's ceiling (1.0 by default).
 *
 * <p>Implementations must be thread-safe. {@link #saturation()}, {@link #tryDispatch}, {@link
 * #onDispatched} and {@link #onFinished} are called on hot paths, possibly under the controller's
 * shard lock: they must be quick, must not block and must not call back into the controller.
 */
public interface SaturationDetector {

  /**
   * The load as a gradient: below 1.0 the fraction of capacity in use, {@code >= 1.0} saturated,
   * larger values deeper overload.
   */
  double saturation();

  /**
   * Dispatches {@code request} if saturation is below {@code ceiling}: the controller's gate.
   * Detectors that count their own in-flight work must make the check and the count one atomic
   * step, so that concurrent dispatchers (shards, and arrivals dispatched without a lock) never
   * overshoot a limit. The default checks {@link #saturation()} and then calls {@link
   * #onDispatched}, which is exact for detectors fed from outside (metrics).
   *
   * @return true if the request was counted as dispatched
   */
  default boolean tryDispatch(FlowRequest request, double ceiling) {
    if (!(saturation() < ceiling)) {
      return false;
    }
    onDispatched(request);
    return true;
  }

  /**
   * Whether capacity is held for {@code request} itself, for example a slot kept for a flow that
   * comes straight back. The controller then offers the request to {@link #tryDispatch} on arrival
   * even while other requests are queued, instead of queueing it behind them; without that, the
   * held capacity could only go to whichever request fairness picks next. Called on arrival; must
   * be quick. The default holds nothing.
   */
  default boolean holdsFor(FlowRequest request) {
    return false;
  }

  /** The controller dispatched {@code request} (through the default {@link #tryDispatch}). */
  default void onDispatched(FlowRequest request) {}

  /** Work dispatched earlier finished: its admission closed. */
  default void onFinished(FlowRequest request) {}

  /**
   * Registers {@code listener} to be run whenever saturation may have dropped for a reason the
   * controller cannot see (new metrics, a raised limit). May be called from any thread. Admission
   * closes are seen by the controller itself and need no signal.
   */
  default void addListener(Runnable listener) {}

  /** {@code always-open}: saturation is always 0; every request dispatches on arrival. */
  static SaturationDetector alwaysOpen() {
    return AlwaysOpen.INSTANCE;
  }
}
