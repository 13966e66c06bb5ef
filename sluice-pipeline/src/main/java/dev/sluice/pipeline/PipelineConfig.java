package dev.sluice.pipeline;

import dev.sluice.flow.FlowConfigException;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The configuration of a {@link Pipeline}. Immutable and thread-safe once built; {@link
 * Builder#build()} validates every field at once and throws a {@link FlowConfigException} naming
 * each bad field, its value and what was expected.
 *
 * <p>Every byte lever is off by default (0): without watermarks producers never pause, without a
 * cap any commit fits, without caps a worker or consumer gets all it asks for, as if there were no
 * backpressure.
 */
public final class PipelineConfig {

  /** The value of a lever that means "off": {@value}. */
  public static final long OFF = 0;

  private final long lowWatermarkBytes;
  private final long highWatermarkBytes;
  private final long maxResidentBytes;
  private final long reservedBytesPerItem;
  private final int maxInFlightPerWorker;
  private final int maxResultsPerLease;
  private final int consumerQuantum;
  private final Duration leaseTimeout;
  private final Duration visibilityTimeout;
  private final int maxAttempts;
  private final Ticker ticker;
  private final Scheduler scheduler;

  private PipelineConfig(Builder b) {
    this.lowWatermarkBytes = b.lowWatermarkBytes;
    this.highWatermarkBytes = b.highWatermarkBytes;
    this.maxResidentBytes = b.maxResidentBytes;
    this.reservedBytesPerItem = b.reservedBytesPerItem;
    this.maxInFlightPerWorker = b.maxInFlightPerWorker;
    this.maxResultsPerLease = b.maxResultsPerLease;
    this.consumerQuantum = b.consumerQuantum;
    this.leaseTimeout = b.leaseTimeout;
    this.visibilityTimeout = b.visibilityTimeout;
    this.maxAttempts = b.maxAttempts;
    this.ticker = b.ticker;
    this.scheduler = b.scheduler;
  }

  /** Starts a builder with every lever off. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Producers resume when resident plus reserved bytes are at or below this; 0 without a watermark.
   */
  public long lowWatermarkBytes() {
    return lowWatermarkBytes;
  }

  /** Producers pause when resident plus reserved bytes reach this; 0 = never pause. */
  public long highWatermarkBytes() {
    return highWatermarkBytes;
  }

  /** The hard cap on resident bytes: a commit that would pass it is refused; 0 = no cap. */
  public long maxResidentBytes() {
    return maxResidentBytes;
  }

  /** The bytes reserved for each leased item until its result is committed; 0 = no reservation. */
  public long reservedBytesPerItem() {
    return reservedBytesPerItem;
  }

  /** The most items one worker may hold leased; 0 = unlimited. */
  public int maxInFlightPerWorker() {
    return maxInFlightPerWorker;
  }

  /** The most results one consumer lease call returns; 0 = unlimited. */
  public int maxResultsPerLease() {
    return maxResultsPerLease;
  }

  /** The consumer's batch, in results: producers never pause while fewer are held; 0 = none. */
  public int consumerQuantum() {
    return consumerQuantum;
  }

  /** How long a producer lease lives without a heartbeat. */
  public Duration leaseTimeout() {
    return leaseTimeout;
  }

  /** How long a leased result stays invisible to other consumers without an ack. */
  public Duration visibilityTimeout() {
    return visibilityTimeout;
  }

  /** Attempts per item: a retryable failure on the last one fails the item for good. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** The clock for lease deadlines, ages and backpressure times. */
  public Ticker ticker() {
    return ticker;
  }

  /** The timer that expires leases. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Builds a {@link PipelineConfig}. Not thread-safe. */
  public static final class Builder {
    private long lowWatermarkBytes = OFF;
    private long highWatermarkBytes = OFF;
    private long maxResidentBytes = OFF;
    private long reservedBytesPerItem = OFF;
    private int maxInFlightPerWorker;
    private int maxResultsPerLease;
    private int consumerQuantum;
    private Duration leaseTimeout = Duration.ofSeconds(60);
    private Duration visibilityTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 3;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();

    private Builder() {}

    /**
     * Pause producers when resident plus reserved bytes reach {@code high}, resume when they are
     * back at {@code low} (hysteresis; with {@code low == high} a level on the mark never flaps).
     * Default off.
     *
     * @param low the resume mark, {@code 0 <= low <= high}
     * @param high the pause mark, {@code > 0}
     * @return this builder
     */
    public Builder watermarks(long low, long high) {
      this.lowWatermarkBytes = low;
      this.highWatermarkBytes = high;
      return this;
    }

    /**
     * The hard cap on resident bytes, the backstop behind the watermarks; {@code >= high}. Default
     * off.
     */
    public Builder maxResidentBytes(long bytes) {
      this.maxResidentBytes = bytes;
      return this;
    }

    /**
     * The bytes reserved for each leased item until it is committed (an estimate of one result), so
     * that work in flight counts against the watermark and the overshoot past it is at most one
     * lease. Default 0: nothing reserved, and levels overshoot by every worker's work in flight.
     */
    public Builder reservedBytesPerItem(long bytes) {
      this.reservedBytesPerItem = bytes;
      return this;
    }

    /** The most items one worker may hold leased; {@code >= 0}, 0 = unlimited (the default). */
    public Builder maxInFlightPerWorker(int cap) {
      this.maxInFlightPerWorker = cap;
      return this;
    }

    /**
     * The most results one consumer lease call returns; {@code >= 0}, 0 = unlimited (the default).
     */
    public Builder maxResultsPerLease(int cap) {
      this.maxResultsPerLease = cap;
      return this;
    }

    /**
     * The consumer acks whole batches of {@code quantum} results: producers never pause while fewer
     * results are held, or a watermark below one batch would deadlock a consumer whose batch is
     * larger than its lease cap. {@code >= 0}, 0 = none (the default).
     */
    public Builder consumerQuantum(int quantum) {
      this.consumerQuantum = quantum;
      return this;
    }

    /** How long a producer lease lives without a heartbeat; {@code > 0}. Default 60 s. */
    public Builder leaseTimeout(Duration timeout) {
      this.leaseTimeout = Objects.requireNonNull(timeout, "leaseTimeout");
      return this;
    }

    /** How long a leased result stays invisible without an ack; {@code > 0}. Default 60 s. */
    public Builder visibilityTimeout(Duration timeout) {
      this.visibilityTimeout = Objects.requireNonNull(timeout, "visibilityTimeout");
      return this;
    }

    /** Attempts per item, {@code >= 1}. Default 3. */
    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    /** The clock. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** The timer. Default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @throws FlowConfigException listing every invalid value
     */
    public PipelineConfig build() {
      List<String> errors = new ArrayList<>();
      if (highWatermarkBytes < 0) {
        errors.add("highWatermarkBytes: " + highWatermarkBytes + " (expected: >= 0, 0 = off)");
      }
      if (lowWatermarkBytes < 0) {
        errors.add("lowWatermarkBytes: " + lowWatermarkBytes + " (expected: >= 0)");
      } else if (highWatermarkBytes == 0 && lowWatermarkBytes > 0) {
        errors.add(
            "lowWatermarkBytes: "
                + lowWatermarkBytes
                + " (expected: 0 without highWatermarkBytes)");
      } else if (highWatermarkBytes > 0 && lowWatermarkBytes > highWatermarkBytes) {
        errors.add(
            "lowWatermarkBytes: "
                + lowWatermarkBytes
                + " (expected: <= highWatermarkBytes "
                + highWatermarkBytes
                + ")");
      }
      if (maxResidentBytes < 0) {
        errors.add("maxResidentBytes: " + maxResidentBytes + " (expected: >= 0, 0 = no cap)");
      } else if (maxResidentBytes > 0 && maxResidentBytes < highWatermarkBytes) {
        errors.add(
            "maxResidentBytes: "
                + maxResidentBytes
                + " (expected: >= highWatermarkBytes "
                + highWatermarkBytes
                + ", the cap is the backstop behind the watermark)");
      }
      if (reservedBytesPerItem < 0) {
        errors.add("reservedBytesPerItem: " + reservedBytesPerItem + " (expected: >= 0)");
      }
      if (maxInFlightPerWorker < 0) {
        errors.add(
            "maxInFlightPerWorker: " + maxInFlightPerWorker + " (expected: >= 0, 0 = unlimited)");
      }
      if (maxResultsPerLease < 0) {
        errors.add(
            "maxResultsPerLease: " + maxResultsPerLease + " (expected: >= 0, 0 = unlimited)");
      }
      if (consumerQuantum < 0) {
        errors.add("consumerQuantum: " + consumerQuantum + " (expected: >= 0, 0 = none)");
      }
      if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
        errors.add("leaseTimeout: " + leaseTimeout + " (expected: > 0)");
      }
      if (visibilityTimeout.isNegative() || visibilityTimeout.isZero()) {
        errors.add("visibilityTimeout: " + visibilityTimeout + " (expected: > 0)");
      }
      if (maxAttempts < 1) {
        errors.add("maxAttempts: " + maxAttempts + " (expected: >= 1)");
      }
      if (!errors.isEmpty()) {
        throw new FlowConfigException(errors);
      }
      return new PipelineConfig(this);
    }
  }
}
