package dev.sluice.flow;

/**
 * How a submitted request ended. Every request submitted to a {@link FlowController} ends with
 * exactly one outcome, whatever races between dispatch, withdrawal, expiry, displacement, shutdown
 * and flow collection.
 *
 * <p>Each outcome has a stable lower-case {@link #reason()} (for example {@code rejected-capacity})
 * used in metrics and HTTP headers.
 */
public enum Outcome {
  /** The request was dispatched: the caller holds an {@link Admission}. */
  DISPATCHED(Kind.DISPATCHED, "dispatched"),
  /** Rejected on arrival: a global, band or flow limit (bytes or count) had no room. */
  REJECTED_CAPACITY(Kind.REJECTED, "rejected-capacity"),
  /** Rejected on arrival: a sheddable request while its band was saturated. */
  REJECTED_SHED(Kind.REJECTED, "rejected-shed"),
  /** Rejected on arrival: the controller was shut down. */
  REJECTED_SHUTDOWN(Kind.REJECTED, "rejected-shutdown"),
  /** Rejected on arrival: the request itself was invalid; the message names each bad field. */
  REJECTED_INVALID(Kind.REJECTED, "rejected-invalid"),
  /** Evicted from the queue: its deadline (TTL or the caller's) passed before dispatch. */
  EVICTED_TTL(Kind.EVICTED, "evicted-ttl"),
  /** Evicted from the queue: the caller withdrew it (cancelled the future or was interrupted). */
  EVICTED_CANCELLED(Kind.EVICTED, "evicted-cancelled"),
  /** Evicted from the queue to make room for higher-priority work. */
  EVICTED_DISPLACED(Kind.EVICTED, "evicted-displaced"),
  /** Evicted from the queue because the controller shut down. */
  EVICTED_SHUTDOWN(Kind.EVICTED, "evicted-shutdown");

  /** The three families of outcome. */
  public enum Kind {
    /** Proceeded. */
    DISPATCHED,
    /** Never queued. */
    REJECTED,
    /** Queued, then removed without dispatch. */
    EVICTED
  }

  private final Kind kind;
  private final String reason;

  Outcome(Kind kind, String reason) {
    this.kind = kind;
    this.reason = reason;
  }

  /** Whether the request was dispatched, rejected or evicted. */
  public Kind kind() {
    return kind;
  }

  /** A stable lower-case name such as {@code rejected-capacity}. */
  public String reason() {
    return reason;
  }
}
