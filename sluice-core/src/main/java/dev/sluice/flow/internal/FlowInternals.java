package dev.sluice.flow.internal;

import static dev.sluice.internal.Preconditions.checkState;

import dev.sluice.flow.FlowController;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Internal: the one door from test fixtures ({@code sluice-testing}) into the engine. Not API; may
 * change or disappear in any release. Thread-safe.
 */
public final class FlowInternals {
  private static volatile @Nullable Function<FlowController, List<String>> invariants;

  private FlowInternals() {}

  /**
   * What does not add up in {@code controller}'s queues, walked shard by shard under each shard's
   * lock; empty if all does, or if {@code controller} is not the engine's.
   */
  public static List<String> invariantViolations(FlowController controller) {
    Objects.requireNonNull(controller, "controller");
    Function<FlowController, List<String>> check = invariants;
    return check == null ? List.of() : check.apply(controller);
  }

  /**
   * Called once by the engine when it loads.
   *
   * @throws IllegalStateException if already called
   */
  public static synchronized void installInvariants(Function<FlowController, List<String>> check) {
    checkState(invariants == null, "invariants: already installed");
    invariants = Objects.requireNonNull(check, "check");
  }
}
