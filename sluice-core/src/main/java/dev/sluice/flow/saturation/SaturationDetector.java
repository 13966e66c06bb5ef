package dev.sluice.flow.saturation;

import dev.sluice.flow.FlowRequest;

/**
 * Tells how loaded the backend is: the gate every dispatch passes. The controller dispatches a
 * band's work only while {@link #saturation()} is below the band's ceiling (1.0 by default).
 *
 * <p>Implementations must be thread-safe. {@link #saturation()}, {@link #onDispatched} and
 * {@link #onFinished} are called on hot paths, possibly under the controller's shard lock: they
 * must be quick, must not block and must not call back into the controller.
 */
public interface SaturationDetector {

  /**
   * The load as a gradient: below 1.0 the fraction of capacity in use, {@code >= 1.0} saturated,
   * larger values deeper overload.
   */
  double saturation();

  /** The controller dispatched {@code request}. Detectors that count in-flight work count it here. */
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
