package dev.sluice.pipeline;

/** What happened to an item whose lease ended without a result. */
public enum FailOutcome {
  /** The item is pending again and will be leased for another attempt. */
  RETRYING,
  /** The item failed for good: the failure was terminal or it used its last attempt. */
  FAILED
}
