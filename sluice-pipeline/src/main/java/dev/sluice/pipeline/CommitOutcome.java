package dev.sluice.pipeline;

/** What {@link Pipeline#commit} did. */
public enum CommitOutcome {
  /** The result is held and visible to consumers. */
  COMMITTED,
  /** The lease was already committed by the same worker (a retried call): nothing changed. */
  ALREADY_COMMITTED
}
