package dev.sluice.sim.engine;

/** An accepted request, queued or running. Thread-safe. */
@FunctionalInterface
public interface Ticket {

  /**
   * Stops the request as the client went away: a waiting request leaves the queue, a running one
   * stops generating and frees its slot and KV blocks at once, and the next waiting request is
   * admitted. Idempotent; does nothing once the request has finished.
   */
  void cancel();
}
