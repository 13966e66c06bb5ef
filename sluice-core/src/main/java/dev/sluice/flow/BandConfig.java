package dev.sluice.flow;

import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.queue.QueueFactory;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The configuration of one priority band: its limits and its policies. Used for configured bands
 * and as the template of dynamic bands.
 *
 * <p>Limits are per band (or per flow of the band) across all shards; {@code 0} means unlimited.
 * They count queued work only: in-flight work is the saturation detector's business. Immutable;
 * values are checked when the enclosing {@link FlowControllerConfig} is built, so every error is
 * reported at once.
 *
 * @param priority the band's priority (ignored in templates)
 * @param maxBytes queued bytes the band may hold; 0 = unlimited. Default {@value
 *     #DEFAULT_MAX_BYTES}
 * @param maxRequests queued requests the band may hold; 0 = unlimited. Default {@value
 *     #DEFAULT_MAX_REQUESTS}
 * @param maxFlowBytes queued bytes each flow of the band may hold; 0 = unlimited (the default)
 * @param maxFlowRequests queued requests each flow of the band may hold; 0 = unlimited (the
 *     default)
 * @param fairness how flows share the band. Default {@code weighted-fair} with equal weights
 *     (max-min fair: a flow below its fair share gets all of its demand); see {@link
 *     FairnessPolicy#roundRobin()} for what round-robin trades away
 * @param ordering the order inside each flow. Default {@code fcfs}
 * @param queue the queue implementation, or {@code null} to choose from the ordering's needs
 *     ({@code list} for FCFS, {@code max-min-heap} otherwise)
 */
public record BandConfig(
    int priority,
    long maxBytes,
    long maxRequests,
    long maxFlowBytes,
    long maxFlowRequests,
    FairnessPolicy fairness,
    OrderingPolicy ordering,
    @Nullable QueueFactory queue) {

  /** Default {@link #maxBytes}: 1 GB, as GIE. */
  public static final long DEFAULT_MAX_BYTES = 1_000_000_000L;

  /** Default {@link #maxRequests}, the limit GIE documented and llm-d adopted. */
  public static final long DEFAULT_MAX_REQUESTS = 5000;

  /** Checks the policies are present. */
  public BandConfig {
    Objects.requireNonNull(fairness, "fairness");
    Objects.requireNonNull(ordering, "ordering");
  }

  /** A band at {@code priority} with every default. */
  public static BandConfig of(int priority) {
    return builder(priority).build();
  }

  /** Starts a builder for a band at {@code priority}. */
  public static Builder builder(int priority) {
    return new Builder(priority);
  }

  /** Starts a builder for a dynamic-band template (its priority is ignored). */
  public static Builder template() {
    return new Builder(0);
  }

  /** A builder preset with this band's values. */
  public Builder toBuilder() {
    return new Builder(priority)
        .maxBytes(maxBytes)
        .maxRequests(maxRequests)
        .maxFlowBytes(maxFlowBytes)
        .maxFlowRequests(maxFlowRequests)
        .fairness(fairness)
        .ordering(ordering)
        .queue(queue);
  }

  /** This configuration at another priority. */
  public BandConfig withPriority(int newPriority) {
    return new BandConfig(
        newPriority,
        maxBytes,
        maxRequests,
        maxFlowBytes,
        maxFlowRequests,
        fairness,
        ordering,
        queue);
  }

  /** Adds a message per invalid field to {@code errors}, prefixed with {@code path}. */
  void validate(String path, List<String> errors) {
    checkLimit(path + "maxBytes", maxBytes, errors);
    checkLimit(path + "maxRequests", maxRequests, errors);
    checkLimit(path + "maxFlowBytes", maxFlowBytes, errors);
    checkLimit(path + "maxFlowRequests", maxFlowRequests, errors);
    if (queue != null && !queue.capabilities().containsAll(ordering.requiredCapabilities())) {
      errors.add(
          path
              + "queue: '"
              + queue.name()
              + "' (cannot keep ordering '"
              + ordering.name()
              + "', which needs "
              + ordering.requiredCapabilities()
              + "; expected a queue with them, e.g. max-min-heap)");
    }
  }

  static void checkLimit(String field, long value, List<String> errors) {
    if (value < 0) {
      errors.add(field + ": " + value + " (expected: >= 0, 0 = unlimited)");
    }
  }

  /** This band with its queue chosen from its ordering's needs when none was given. */
  BandConfig resolved() {
    if (queue != null) {
      return this;
    }
    QueueFactory list = QueueFactory.list();
    QueueFactory chosen =
        list.capabilities().containsAll(ordering.requiredCapabilities())
            ? list
            : QueueFactory.maxMinHeap();
    return new BandConfig(
        priority, maxBytes, maxRequests, maxFlowBytes, maxFlowRequests, fairness, ordering, chosen);
  }

  /** Builds a {@link BandConfig}. Not thread-safe. */
  public static final class Builder {
    private final int priority;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private long maxRequests = DEFAULT_MAX_REQUESTS;
    private long maxFlowBytes;
    private long maxFlowRequests;
    private FairnessPolicy fairness = FairnessPolicy.weightedFair();
    private OrderingPolicy ordering = OrderingPolicy.fcfs();
    private @Nullable QueueFactory queue;

    private Builder(int priority) {
      this.priority = priority;
    }

    /**
     * Queued bytes the band may hold; 0 = unlimited. Default {@value BandConfig#DEFAULT_MAX_BYTES}.
     */
    public Builder maxBytes(long maxBytes) {
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Queued requests the band may hold; 0 = unlimited. Default {@value
     * BandConfig#DEFAULT_MAX_REQUESTS}.
     */
    public Builder maxRequests(long maxRequests) {
      this.maxRequests = maxRequests;
      return this;
    }

    /** Queued bytes each flow may hold; 0 = unlimited. Default 0. */
    public Builder maxFlowBytes(long maxFlowBytes) {
      this.maxFlowBytes = maxFlowBytes;
      return this;
    }

    /** Queued requests each flow may hold; 0 = unlimited. Default 0. */
    public Builder maxFlowRequests(long maxFlowRequests) {
      this.maxFlowRequests = maxFlowRequests;
      return this;
    }

    /** How flows share the band. Default {@code weighted-fair} with equal weights. */
    public Builder fairness(FairnessPolicy fairness) {
      this.fairness = Objects.requireNonNull(fairness, "fairness");
      return this;
    }

    /** The order inside each flow. Default {@code fcfs}. */
    public Builder ordering(OrderingPolicy ordering) {
      this.ordering = Objects.requireNonNull(ordering, "ordering");
      return this;
    }

    /**
     * The queue implementation, or {@code null} to choose it from the ordering's needs. Default
     * null.
     */
    public Builder queue(@Nullable QueueFactory queue) {
      this.queue = queue;
      return this;
    }

    /** Returns the band configuration (checked when the controller configuration is built). */
    public BandConfig build() {
      return new BandConfig(
          priority,
          maxBytes,
          maxRequests,
          maxFlowBytes,
          maxFlowRequests,
          fairness,
          ordering,
          queue);
    }
  }
}
