package dev.sluice.testing;

import dev.sluice.flow.FlowController;
import dev.sluice.flow.internal.FlowInternals;
import java.util.List;

/**
 * Checks a controller's internal bookkeeping, shard by shard under each shard's lock: per flow,
 * band and shard the request and byte counters add up to what is queued; the arrival lists and the
 * deadline heap are ordered and agree with the queues; each flow queue's head comes first in its
 * band's ordering; nothing is queued past its deadline without a timer claimed to expire it.
 * Caffeine's {@code IsValidBoundedLocalCache}, for Sluice.
 *
 * <p>{@link FlowControllerExtension} runs it after every test on each controller made by {@link
 * TrackedControllers}. A controller that is not the engine's (a user's own {@link FlowController})
 * has nothing to check and always passes.
 */
public final class ControllerInvariants {
  private ControllerInvariants() {}

  /** What does not add up in {@code controller}; empty if all does. */
  public static List<String> violations(FlowController controller) {
    return FlowInternals.invariantViolations(controller);
  }

  /**
   * Checks {@code controller}.
   *
   * @throws AssertionError listing every violation, if any
   */
  public static void check(FlowController controller) {
    List<String> violations = violations(controller);
    if (!violations.isEmpty()) {
      throw new AssertionError(
          "flow controller invariants broken:\n  " + String.join("\n  ", violations));
    }
  }
}
