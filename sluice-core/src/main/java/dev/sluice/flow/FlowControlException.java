package dev.sluice.flow;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.util.Objects;

/**
 * A request did not proceed: it was rejected on arrival or evicted from its queue.
 *
 * <p>{@link #outcome()} says which, and the message says why, for example {@code "band 0 request
 * limit reached (5000 queued, limit 5000)"}. Unchecked, so that it can complete a {@link
 * java.util.concurrent.CompletableFuture} and be thrown by {@link FlowController#acquire} without
 * wrapping.
 */
public final class FlowControlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Outcome outcome;

  /**
   * Creates an exception for a request that ended with {@code outcome}.
   *
   * @throws NullPointerException if {@code outcome} is null
   * @throws IllegalArgumentException if {@code outcome} is {@link Outcome#DISPATCHED}
   */
  public FlowControlException(Outcome outcome, String message) {
    super(checked(outcome).reason() + ": " + message, null, false, false);
    this.outcome = outcome;
  }

  /** Checked before the message is built from it. */
  private static Outcome checked(Outcome outcome) {
    Objects.requireNonNull(outcome, "outcome");
    checkArgument(
        outcome != Outcome.DISPATCHED,
        "outcome: DISPATCHED (expected: a rejection or an eviction)");
    return outcome;
  }

  /** How the request ended; never {@link Outcome#DISPATCHED}. */
  public Outcome outcome() {
    return outcome;
  }
}
