package dev.sluice.flow;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One unit of work asking to proceed: what {@link FlowController#submit} queues and dispatches.
 *
 * <p>Immutable and safe to share. The constructor checks only for a null flow key; the ranges of
 * the other fields are checked by {@link FlowController#submit}, which rejects a bad request with
 * {@link Outcome#REJECTED_INVALID} and a message naming every bad field, so that a bad request
 * still ends with exactly one outcome.
 *
 * @param flowKey the flow the request belongs to
 * @param byteSize bytes the request holds while queued, counted against byte limits; {@code >= 0}
 * @param cost units of work for weighted fairness, for example estimated tokens; {@code >= 1}
 * @param ttl how long the request may wait in the queue, or {@code null} for no limit of its own;
 *     the effective deadline is the earliest of this, the controller's default TTL and the caller's
 *     deadline
 * @param slo the latency objective measured from {@code receivedNanos} (used by the {@code
 *     slo-deadline} ordering), or {@code null} for none
 * @param receivedNanos when the request arrived, on the controller's {@link Ticker}; or {@link
 *     #NOT_SET} to use the time of submission
 * @param id an identifier for logs and listeners, or {@code null}
 * @param payload an opaque value for the caller, carried untouched, or {@code null}
 */
public record FlowRequest(
    FlowKey flowKey,
    long byteSize,
    long cost,
    @Nullable Duration ttl,
    @Nullable Duration slo,
    long receivedNanos,
    @Nullable String id,
    @Nullable Object payload) {

  /** Marks {@link #receivedNanos} as not given: the controller uses the submission time. */
  public static final long NOT_SET = Long.MIN_VALUE;

  /** Default {@link #cost}: {@value}. */
  public static final long DEFAULT_COST = 1;

  /**
   * Creates a request.
   *
   * @throws NullPointerException if {@code flowKey} is null
   */
  public FlowRequest {
    Objects.requireNonNull(flowKey, "flowKey");
  }

  /** A request of flow {@code key} with size 0, cost 1 and nothing else set. */
  public static FlowRequest of(FlowKey key) {
    return new FlowRequest(key, 0, DEFAULT_COST, null, null, NOT_SET, null, null);
  }

  /** Starts a builder for a request of flow {@code key}. */
  public static Builder builder(FlowKey key) {
    return new Builder(key);
  }

  /** Builds {@link FlowRequest}s. Not thread-safe. */
  public static final class Builder {
    private final FlowKey flowKey;
    private long byteSize;
    private long cost = DEFAULT_COST;
    private @Nullable Duration ttl;
    private @Nullable Duration slo;
    private long receivedNanos = NOT_SET;
    private @Nullable String id;
    private @Nullable Object payload;

    private Builder(FlowKey flowKey) {
      this.flowKey = Objects.requireNonNull(flowKey, "flowKey");
    }

    /** Bytes held while queued. Default 0. */
    public Builder byteSize(long byteSize) {
      this.byteSize = byteSize;
      return this;
    }

    /** Units of work for weighted fairness. Default {@value FlowRequest#DEFAULT_COST}. */
    public Builder cost(long cost) {
      this.cost = cost;
      return this;
    }

    /** The longest wait in the queue, or {@code null} for none. Default none. */
    public Builder ttl(@Nullable Duration ttl) {
      this.ttl = ttl;
      return this;
    }

    /**
     * The latency objective from arrival, for {@code slo-deadline} ordering, or {@code null} for
     * none. Default none.
     */
    public Builder slo(@Nullable Duration slo) {
      this.slo = slo;
      return this;
    }

    /** The arrival time on the controller's ticker. Default: the time of submission. */
    public Builder receivedNanos(long receivedNanos) {
      this.receivedNanos = receivedNanos;
      return this;
    }

    /** An identifier for logs, or {@code null} for none. Default none. */
    public Builder id(@Nullable String id) {
      this.id = id;
      return this;
    }

    /** An opaque value carried for the caller, or {@code null} for none. Default none. */
    public Builder payload(@Nullable Object payload) {
      this.payload = payload;
      return this;
    }

    /** Returns the request. */
    public FlowRequest build() {
      return new FlowRequest(flowKey, byteSize, cost, ttl, slo, receivedNanos, id, payload);
    }
  }
}
