package dev.sluice.pipeline;

/** What {@link Pipeline#ack} did. */
public enum AckOutcome {
  /** The result is acked now and its bytes freed. */
  ACKED,
  /** The same consumer already acked this lease (a retried call): nothing changed, nothing lost. */
  ALREADY_ACKED
}
