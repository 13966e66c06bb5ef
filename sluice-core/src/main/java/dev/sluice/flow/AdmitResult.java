package dev.sluice.flow;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What one shard did with a request offered to it under its lock: exactly one of {@linkplain #DONE
 * done} (queued, or finally rejected), {@linkplain #RETRY retry} (the shard is being resharded
 * away: pick again among the active ones) or {@linkplain #full full} (a capacity limit would break;
 * the problem says which, and another shard may still take the request). Immutable.
 */
final class AdmitResult {
  /** The request was queued or finally rejected: nothing is left to do for it. */
  static final AdmitResult DONE = new AdmitResult(null);

  /** The shard is draining: pick again among the active shards. */
  static final AdmitResult RETRY = new AdmitResult(null);

  private final @Nullable String problem; // null for DONE and RETRY

  private AdmitResult(@Nullable String problem) {
    this.problem = problem;
  }

  /** A limit would break; {@code problem} says which, for the rejection if no shard has room. */
  static AdmitResult full(String problem) {
    return new AdmitResult(Objects.requireNonNull(problem, "problem"));
  }

  boolean isFull() {
    return problem != null;
  }

  /** The capacity problem of a {@linkplain #full full} result, else null. */
  @Nullable String problem() {
    return problem;
  }

  @Override
  public String toString() {
    return this == DONE ? "DONE" : this == RETRY ? "RETRY" : "FULL[" + problem + "]";
  }
}
