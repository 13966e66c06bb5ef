package dev.sluice.sim.engine;

/** The engine refused a request; {@link #reason()} says why. */
public final class EngineRejectedException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a request was refused. */
  public enum Reason {
    /** The waiting queue holds {@code maxWaitingQueueLength} requests (HTTP 429). */
    QUEUE_FULL,
    /** Prompt plus output exceed {@code maxModelLen} (HTTP 400). */
    CONTEXT_LENGTH,
    /** The request needs more KV blocks than the whole cache has (HTTP 400). */
    CACHE_TOO_SMALL
  }

  private final Reason reason;

  public EngineRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
