package dev.sluice.pipeline;

import java.util.Objects;

/**
 * A call the pipeline refused, with the {@link Reason} why; the HTTP API maps each reason to one
 * status code and one reason string.
 */
public final class PipelineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a call was refused. */
  public enum Reason {
    /** No such lease (never issued, or forgotten long ago). HTTP 404. */
    UNKNOWN_LEASE("unknown-lease", 404),
    /** The lease belongs to another worker or consumer. HTTP 403. */
    NOT_OWNER("not-owner", 403),
    /**
     * The lease expired: its item went back to pending (or its result became visible again). HTTP
     * 410.
     */
    LEASE_EXPIRED("lease-expired", 410),
    /** The lease already ended another way (committed, failed, rejected, acked). HTTP 409. */
    LEASE_ENDED("lease-ended", 409),
    /**
     * The result alone is larger than the hard byte cap: it can never fit; the item failed. HTTP
     * 413.
     */
    RESULT_TOO_LARGE("result-too-large", 413),
    /**
     * Holding the result would pass the hard byte cap; the item went back to pending (or failed on
     * its last attempt). HTTP 507.
     */
    OVER_CAPACITY("over-capacity", 507),
    /** An argument was invalid. HTTP 400. */
    INVALID("invalid", 400),
    /** The pipeline is closed. HTTP 503. */
    CLOSED("closed", 503),
    /**
     * The {@link PipelineStore} could not record the call: the pipeline stopped (it is closed now;
     * a restart reconciles from what was stored). HTTP 503.
     */
    STORE_FAILED("store-failed", 503);

    private final String reason;
    private final int httpStatus;

    Reason(String reason, int httpStatus) {
      this.reason = reason;
      this.httpStatus = httpStatus;
    }

    /** The reason string, as in HTTP error bodies, for example {@code unknown-lease}. */
    public String reason() {
      return reason;
    }

    /** The HTTP status code the HTTP API answers with. */
    public int httpStatus() {
      return httpStatus;
    }
  }

  private final Reason reason;

  /**
   * Creates an exception.
   *
   * @param reason why
   * @param message what happened, for people
   */
  public PipelineException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Why the call was refused. */
  public Reason reason() {
    return reason;
  }
}
