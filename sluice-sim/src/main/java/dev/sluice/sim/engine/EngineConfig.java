package dev.sluice.sim.engine;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.time.Duration;
import java.util.Objects;

/**
 * How the simulated engine schedules and times requests. Immutable; build one with {@link
 * #builder()}, which checks every field and names the offending one.
 *
 * <p>Latency model (after llm-d-inference-sim's per-token calculator): a request admitted to a
 * running slot waits {@code prefillOverhead + promptTokens × prefillPerToken} for its first token,
 * then {@code interTokenLatency} for each further token. Each delay is multiplied, when it is
 * computed, by the load factor {@code 1 + (timeFactorUnderLoad − 1)·(running − 1)/(maxNumSeqs −
 * 1)}, so a full batch runs {@code timeFactorUnderLoad} times slower than a single request. With
 * {@code jitter > 0} each delay is drawn from a Gaussian whose standard deviation is that fraction
 * of the mean (at most 0.3), clamped to ±70 % of the mean.
 *
 * @param maxNumSeqs running slots (vLLM's {@code --max-num-seqs})
 * @param maxWaitingQueueLength waiting requests held before new ones get 429
 * @param maxModelLen prompt plus output tokens allowed per request; longer requests get 400
 * @param blockSize tokens per KV-cache block
 * @param kvBlocks KV-cache blocks in total
 * @param prefillOverhead fixed part of the time to first token
 * @param prefillPerToken time to first token added per prompt token
 * @param interTokenLatency time between two output tokens of one request
 * @param timeFactorUnderLoad how much slower every delay is with all slots busy; 1 = no slowdown
 * @param jitter standard deviation of every delay as a fraction of its mean; 0 = none
 * @param defaultOutputMean mean output length when a request sets no {@code max_tokens}
 * @param defaultOutputStdDev standard deviation of that length
 * @param seed seeds every random choice; the same seed and the same request order give the same
 *     output lengths, texts, delays and injected failures
 * @param schedulingPolicy vLLM's {@code --scheduling-policy}: {@code FCFS} (the default) or {@code
 *     PRIORITY}
 */
public record EngineConfig(
    int maxNumSeqs,
    int maxWaitingQueueLength,
    int maxModelLen,
    int blockSize,
    int kvBlocks,
    Duration prefillOverhead,
    Duration prefillPerToken,
    Duration interTokenLatency,
    double timeFactorUnderLoad,
    double jitter,
    int defaultOutputMean,
    int defaultOutputStdDev,
    long seed,
    SchedulingPolicy schedulingPolicy) {

  /**
   * How the waiting queue is ordered, as vLLM's {@code --scheduling-policy}. With {@code PRIORITY}
   * it is ordered by each request's {@code priority} (lower first), then arrival; and a request
   * that finds no room makes the engine preempt running requests of a higher priority value (latest
   * arrival first) back to waiting until it fits, as vLLM's priority scheduler does. A preempted
   * request keeps its tokens: when readmitted it recomputes its prompt and output so far (one
   * prefill), then goes on streaming.
   */
  public enum SchedulingPolicy {
    FCFS,
    PRIORITY
  }

  /** Checks every field; prefer {@link #builder()}. */
  public EngineConfig {
    checkArgument(maxNumSeqs >= 1, "maxNumSeqs: %s (expected: >= 1)", maxNumSeqs);
    checkArgument(
        maxWaitingQueueLength >= 0,
        "maxWaitingQueueLength: %s (expected: >= 0)",
        maxWaitingQueueLength);
    checkArgument(maxModelLen >= 2, "maxModelLen: %s (expected: >= 2)", maxModelLen);
    checkArgument(blockSize >= 1, "blockSize: %s (expected: >= 1)", blockSize);
    checkArgument(kvBlocks >= 1, "kvBlocks: %s (expected: >= 1)", kvBlocks);
    checkDuration(prefillOverhead, "prefillOverhead");
    checkDuration(prefillPerToken, "prefillPerToken");
    checkDuration(interTokenLatency, "interTokenLatency");
    checkArgument(
        timeFactorUnderLoad >= 1 && Double.isFinite(timeFactorUnderLoad),
        "timeFactorUnderLoad: %s (expected: >= 1)",
        timeFactorUnderLoad);
    checkArgument(jitter >= 0 && jitter <= 0.3, "jitter: %s (expected: between 0 and 0.3)", jitter);
    checkArgument(
        defaultOutputMean >= 1, "defaultOutputMean: %s (expected: >= 1)", defaultOutputMean);
    checkArgument(
        defaultOutputStdDev >= 0, "defaultOutputStdDev: %s (expected: >= 0)", defaultOutputStdDev);
    Objects.requireNonNull(schedulingPolicy, "schedulingPolicy");
  }

  /** A builder starting from the defaults listed in the module README. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder()
        .maxNumSeqs(maxNumSeqs)
        .maxWaitingQueueLength(maxWaitingQueueLength)
        .maxModelLen(maxModelLen)
        .blockSize(blockSize)
        .kvBlocks(kvBlocks)
        .prefillOverhead(prefillOverhead)
        .prefillPerToken(prefillPerToken)
        .interTokenLatency(interTokenLatency)
        .timeFactorUnderLoad(timeFactorUnderLoad)
        .jitter(jitter)
        .defaultOutputLength(defaultOutputMean, defaultOutputStdDev)
        .seed(seed)
        .schedulingPolicy(schedulingPolicy);
  }

  /** KV blocks a sequence of {@code tokens} tokens occupies. */
  public int blocksFor(int tokens) {
    return (tokens + blockSize - 1) / blockSize;
  }

  private static void checkDuration(Duration value, String field) {
    if (value == null) {
      throw new NullPointerException(field);
    }
    checkArgument(!value.isNegative(), "%s: %s (expected: >= 0)", field, value);
  }

  /** Mutable, single-threaded builder for {@link EngineConfig}. */
  public static final class Builder {
    private int maxNumSeqs = 5;
    private int maxWaitingQueueLength = 1000;
    private int maxModelLen = 1024;
    private int blockSize = 16;
    private int kvBlocks = 1024;
    private Duration prefillOverhead = Duration.ofMillis(20);
    private Duration prefillPerToken = Duration.ofNanos(200_000);
    private Duration interTokenLatency = Duration.ofMillis(15);
    private double timeFactorUnderLoad = 1.0;
    private double jitter;
    private int defaultOutputMean = 40;
    private int defaultOutputStdDev = 20;
    private long seed = 42;
    private SchedulingPolicy schedulingPolicy = SchedulingPolicy.FCFS;

    private Builder() {}

    public Builder maxNumSeqs(int value) {
      this.maxNumSeqs = value;
      return this;
    }

    public Builder maxWaitingQueueLength(int value) {
      this.maxWaitingQueueLength = value;
      return this;
    }

    public Builder maxModelLen(int value) {
      this.maxModelLen = value;
      return this;
    }

    public Builder blockSize(int value) {
      this.blockSize = value;
      return this;
    }

    public Builder kvBlocks(int value) {
      this.kvBlocks = value;
      return this;
    }

    public Builder prefillOverhead(Duration value) {
      this.prefillOverhead = value;
      return this;
    }

    public Builder prefillPerToken(Duration value) {
      this.prefillPerToken = value;
      return this;
    }

    public Builder interTokenLatency(Duration value) {
      this.interTokenLatency = value;
      return this;
    }

    public Builder timeFactorUnderLoad(double value) {
      this.timeFactorUnderLoad = value;
      return this;
    }

    public Builder jitter(double value) {
      this.jitter = value;
      return this;
    }

    public Builder defaultOutputLength(int mean, int stdDev) {
      this.defaultOutputMean = mean;
      this.defaultOutputStdDev = stdDev;
      return this;
    }

    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** vLLM's {@code --scheduling-policy}. Default {@code FCFS}. */
    public Builder schedulingPolicy(SchedulingPolicy value) {
      this.schedulingPolicy = value;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} naming the bad field. */
    public EngineConfig build() {
      return new EngineConfig(
          maxNumSeqs,
          maxWaitingQueueLength,
          maxModelLen,
          blockSize,
          kvBlocks,
          prefillOverhead,
          prefillPerToken,
          interTokenLatency,
          timeFactorUnderLoad,
          jitter,
          defaultOutputMean,
          defaultOutputStdDev,
          seed,
          schedulingPolicy);
    }
  }
}
