package dev.sluice.pipeline;

/** Where an item is in the pipeline. */
public enum ItemState {
  /** Waiting for a producer. */
  PENDING,
  /** Leased to a producer. */
  LEASED,
  /** Its result is held, waiting for (or leased to) a consumer. */
  COMMITTED,
  /** Its result was consumed. */
  ACKED,
  /** Failed for good: a terminal failure, or its last attempt failed. */
  FAILED
}
