package dev.sluice.flow;

import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.SaturationDetector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of a {@link FlowController}: limits, bands, policies, timeouts and the injected
 * detector, clock and listener. Immutable and thread-safe once built.
 *
 * <p>Build with {@link #builder()}. {@link Builder#build()} validates everything at once and throws
 * a {@link FlowConfigException} listing every problem, each naming the field, the value and what
 * was expected. Every default is stated on its builder method and checked by {@code
 * FlowControllerConfigTest}.
 */
public final class FlowControllerConfig {

  /** Default {@link Builder#flowIdleTimeout}: {@value} seconds (5 minutes), as GIE. */
  public static final long DEFAULT_FLOW_IDLE_TIMEOUT_SECONDS = 300;

  /** Default {@link Builder#bandIdleTimeout}: {@value} seconds (10 minutes), as GIE. */
  public static final long DEFAULT_BAND_IDLE_TIMEOUT_SECONDS = 600;

  /** Default {@link Builder#shards}: {@value}. */
  public static final int DEFAULT_SHARDS = 1;

  /** The most shards allowed: {@value}. */
  public static final int MAX_SHARDS = 256;

  /** Default {@link Builder#displacement}: {@value}. */
  public static final boolean DEFAULT_DISPLACEMENT = true;

  /** Default {@link Builder#rejectSheddableWhenSaturated}: {@value}. */
  public static final boolean DEFAULT_REJECT_SHEDDABLE_WHEN_SATURATED = false;

  private final long maxBytes;
  private final long maxRequests;
  private final Duration defaultTtl;
  private final boolean displacement;
  private final boolean rejectSheddableWhenSaturated;
  private final int shards;
  private final Duration flowIdleTimeout;
  private final Duration bandIdleTimeout;
  private final List<BandConfig> bands;
  private final BandConfig defaultBand;
  private final BandConfig defaultSheddableBand;
  private final UsageLimitPolicy usageLimitPolicy;
  private final SaturationDetector saturationDetector;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final FlowControlListener listener;

  private FlowControllerConfig(Builder builder, List<BandConfig> bands) {
    this.maxBytes = builder.maxBytes;
    this.maxRequests = builder.maxRequests;
    this.defaultTtl = builder.defaultTtl;
    this.displacement = builder.displacement;
    this.rejectSheddableWhenSaturated = builder.rejectSheddableWhenSaturated;
    this.shards = builder.shards;
    this.flowIdleTimeout = builder.flowIdleTimeout;
    this.bandIdleTimeout = builder.bandIdleTimeout;
    this.bands = List.copyOf(bands);
    this.defaultBand = builder.defaultBand.resolved();
    this.defaultSheddableBand = builder.defaultSheddableBand.resolved();
    this.usageLimitPolicy = builder.usageLimitPolicy;
    this.saturationDetector =
        builder.saturationDetector != null
            ? builder.saturationDetector
            : ConcurrencyDetector.create();
    this.ticker = builder.ticker;
    this.scheduler = builder.scheduler;
    this.listener = builder.listener;
  }

  /** Starts a builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this configuration. */
  public Builder toBuilder() {
    Builder builder =
        new Builder()
            .maxBytes(maxBytes)
            .maxRequests(maxRequests)
            .defaultTtl(defaultTtl)
            .displacement(displacement)
            .rejectSheddableWhenSaturated(rejectSheddableWhenSaturated)
            .shards(shards)
            .flowIdleTimeout(flowIdleTimeout)
            .bandIdleTimeout(bandIdleTimeout)
            .bands(bands)
            .defaultBand(defaultBand)
            .defaultSheddableBand(defaultSheddableBand)
            .usageLimitPolicy(usageLimitPolicy)
            .saturationDetector(saturationDetector)
            .ticker(ticker)
            .scheduler(scheduler)
            .listener(listener);
    return builder;
  }

  /** Global queued-bytes limit; 0 = unlimited. */
  public long maxBytes() {
    return maxBytes;
  }

  /** Global queued-requests limit; 0 = unlimited. */
  public long maxRequests() {
    return maxRequests;
  }

  /** The default TTL; {@link Duration#ZERO} = none. */
  public Duration defaultTtl() {
    return defaultTtl;
  }

  /** Whether lower-priority queued work is evicted to make room for higher. */
  public boolean displacement() {
    return displacement;
  }

  /** Whether sheddable requests are rejected at once while their band is saturated. */
  public boolean rejectSheddableWhenSaturated() {
    return rejectSheddableWhenSaturated;
  }

  /** The initial number of shards. */
  public int shards() {
    return shards;
  }

  /** How long a flow must be idle before it is collected. */
  public Duration flowIdleTimeout() {
    return flowIdleTimeout;
  }

  /** How long a dynamic band must be without flows before it is collected. */
  public Duration bandIdleTimeout() {
    return bandIdleTimeout;
  }

  /** The configured (permanent) bands, highest priority first, queues resolved. */
  public List<BandConfig> bands() {
    return bands;
  }

  /** The template of dynamic bands for priorities {@code >= 0}, queue resolved. */
  public BandConfig defaultBand() {
    return defaultBand;
  }

  /** The template of dynamic bands for negative priorities, queue resolved. */
  public BandConfig defaultSheddableBand() {
    return defaultSheddableBand;
  }

  /** The usage-limit (holdback) policy. */
  public UsageLimitPolicy usageLimitPolicy() {
    return usageLimitPolicy;
  }

  /** The saturation detector. */
  public SaturationDetector saturationDetector() {
    return saturationDetector;
  }

  /** The clock. */
  public Ticker ticker() {
    return ticker;
  }

  /** The timer. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The event listener. */
  public FlowControlListener listener() {
    return listener;
  }

  /** Builds a {@link FlowControllerConfig}. Not thread-safe. */
  public static final class Builder {
    private long maxBytes;
    private long maxRequests;
    private Duration defaultTtl = Duration.ZERO;
    private boolean displacement = DEFAULT_DISPLACEMENT;
    private boolean rejectSheddableWhenSaturated = DEFAULT_REJECT_SHEDDABLE_WHEN_SATURATED;
    private int shards = DEFAULT_SHARDS;
    private Duration flowIdleTimeout = Duration.ofSeconds(DEFAULT_FLOW_IDLE_TIMEOUT_SECONDS);
    private Duration bandIdleTimeout = Duration.ofSeconds(DEFAULT_BAND_IDLE_TIMEOUT_SECONDS);
    private List<BandConfig> bands = List.of(BandConfig.of(0));
    private BandConfig defaultBand = BandConfig.template().build();
    private BandConfig defaultSheddableBand = BandConfig.template().build();
    private UsageLimitPolicy usageLimitPolicy = UsageLimitPolicy.staticCeiling();
    private @Nullable SaturationDetector saturationDetector; // null: build() creates one
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private FlowControlListener listener = FlowControlListener.NO_OP;

    private Builder() {}

    /** Global limit on queued bytes, split across shards; 0 = unlimited. Default 0. */
    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    /** Global limit on queued requests, split across shards; 0 = unlimited. Default 0. */
    public Builder maxRequests(long maxRequests) {
      this.maxRequests = maxRequests;
      return this;
    }

    /**
     * The longest any request may wait in a queue; {@link Duration#ZERO} = none. A request's own
     * TTL and the caller's deadline can only shorten it. Default {@link Duration#ZERO}: a library
     * does not time out work its caller did not bound.
     */
    public Builder defaultTtl(Duration defaultTtl) {
      this.defaultTtl = defaultTtl;
      return this;
    }

    /**
     * Whether a request that finds the global limit full may evict strictly lower-priority queued
     * work (lowest band first, newest first) to make room. Band and flow limits are per priority,
     * so lower-priority work cannot free them. Default {@value #DEFAULT_DISPLACEMENT}.
     */
    public Builder displacement(boolean displacement) {
      this.displacement = displacement;
      return this;
    }

    /**
     * Whether a sheddable request (negative priority) arriving while its band's gate is closed is
     * rejected at once ({@link Outcome#REJECTED_SHED}) instead of queueing. Default {@value
     * #DEFAULT_REJECT_SHEDDABLE_WHEN_SATURATED}.
     */
    public Builder rejectSheddableWhenSaturated(boolean reject) {
      this.rejectSheddableWhenSaturated = reject;
      return this;
    }

    /**
     * Independent dispatch partitions, each with its own lock and a share of every limit. A request
     * goes to the shard where its flow has the fewest queued bytes. Priority is strict within a
     * shard and approximate across shards. Default {@value #DEFAULT_SHARDS}; 1 to {@value
     * #MAX_SHARDS}.
     */
    public Builder shards(int shards) {
      this.shards = shards;
      return this;
    }

    /**
     * How long a flow holding no queued or in-flight work lives before it is collected; checked
     * every quarter of it. Default {@value #DEFAULT_FLOW_IDLE_TIMEOUT_SECONDS} s; {@code > 0}.
     */
    public Builder flowIdleTimeout(Duration timeout) {
      this.flowIdleTimeout = timeout;
      return this;
    }

    /**
     * How long a dynamic band with no flows lives before it is collected. Configured bands are
     * never collected. Default {@value #DEFAULT_BAND_IDLE_TIMEOUT_SECONDS} s; {@code >=
     * flowIdleTimeout}.
     */
    public Builder bandIdleTimeout(Duration timeout) {
      this.bandIdleTimeout = timeout;
      return this;
    }

    /**
     * The permanent bands, any order, unique priorities. Default: one band at priority 0 with
     * defaults.
     */
    public Builder bands(List<BandConfig> bands) {
      this.bands = List.copyOf(bands);
      return this;
    }

    /** The permanent bands. Default: one band at priority 0 with defaults. */
    public Builder bands(BandConfig... bands) {
      return bands(List.of(bands));
    }

    /**
     * The template of dynamic bands for priorities {@code >= 0}. Default: {@link BandConfig}
     * defaults.
     */
    public Builder defaultBand(BandConfig template) {
      this.defaultBand = Objects.requireNonNull(template, "defaultBand");
      return this;
    }

    /**
     * The template of dynamic bands for negative priorities. Default: {@link BandConfig} defaults.
     */
    public Builder defaultSheddableBand(BandConfig template) {
      this.defaultSheddableBand = Objects.requireNonNull(template, "defaultSheddableBand");
      return this;
    }

    /**
     * Ceilings per band as a function of saturation. Default {@code static} (1.0 for every band).
     */
    public Builder usageLimitPolicy(UsageLimitPolicy policy) {
      this.usageLimitPolicy = Objects.requireNonNull(policy, "usageLimitPolicy");
      return this;
    }

    /**
     * The dispatch gate. Default: a new {@code concurrency} detector limiting in-flight requests to
     * {@value ConcurrencyDetector#DEFAULT_MAX_REQUESTS}.
     */
    public Builder saturationDetector(SaturationDetector detector) {
      this.saturationDetector = Objects.requireNonNull(detector, "saturationDetector");
      return this;
    }

    /** The clock. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The timer for deadlines and collection. Default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Receives events. Default {@link FlowControlListener#NO_OP}. */
    public Builder listener(FlowControlListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Returns the configuration.
     *
     * @throws FlowConfigException listing every invalid value
     */
    public FlowControllerConfig build() {
      List<String> errors = new ArrayList<>();
      BandConfig.checkLimit("maxBytes", maxBytes, errors);
      BandConfig.checkLimit("maxRequests", maxRequests, errors);
      ConfigChecks.checkDefaultTtl(defaultTtl, errors);
      ConfigChecks.checkShards(shards, errors);
      ConfigChecks.checkIdleTimeouts(flowIdleTimeout, bandIdleTimeout, errors);
      ConfigChecks.checkBands(bands, errors);
      defaultBand.validate("defaultBand.", errors);
      defaultSheddableBand.validate("defaultSheddableBand.", errors);
      if (!errors.isEmpty()) {
        throw new FlowConfigException(errors);
      }
      return new FlowControllerConfig(this, ConfigChecks.resolvedByPriority(bands));
    }
  }
}
