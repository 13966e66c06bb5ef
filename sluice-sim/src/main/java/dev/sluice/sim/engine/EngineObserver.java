package dev.sluice.sim.engine;

/**
 * Watches request life-cycle events, for tests and logs. Called outside the engine's lock, from the
 * thread that caused the event; implementations must be thread-safe and must not block. Each
 * accepted request is reported {@code queued} or {@code admitted} first, possibly {@code admitted}
 * after {@code queued}, then exactly one of {@code finished} or {@code aborted}.
 */
public interface EngineObserver {

  /** Does nothing. */
  EngineObserver NONE = new EngineObserver() {};

  /** Request {@code id} went to the waiting queue. */
  default void onQueued(long id) {}

  /** Request {@code id} took a running slot and its KV blocks. */
  default void onAdmitted(long id) {}

  /** Request {@code id} generated its last token. */
  default void onFinished(long id, String finishReason) {}

  /** Request {@code id} was cancelled before finishing; its slot and blocks are already free. */
  default void onAborted(long id) {}

  /** A running request was sent back to waiting to make room for a higher-priority one. */
  default void onPreempted(long id) {}

  /** A request was refused; {@code reason} is the label used in the metrics. */
  default void onRejected(String reason) {}
}
