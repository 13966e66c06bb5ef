package dev.sluice.sim.engine;

import static dev.sluice.sim.Preconditions.checkArgument;

import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * One request as the engine sees it: how many tokens it reads and writes.
 *
 * @param promptTokens prompt length in tokens, at least 1
 * @param outputTokens tokens to generate, at least 1
 * @param hitsLimit whether {@code outputTokens} is the request's {@code max_tokens}, which makes
 *     the finish reason {@code length} rather than {@code stop}
 * @param random this request's own random source for texts and jitter; confined to the engine once
 *     submitted
 * @param priority vLLM's request {@code priority}: with the {@code priority} scheduling policy a
 *     lower value runs first; 0 by default
 */
public record Generation(
    int promptTokens, int outputTokens, boolean hitsLimit, SplittableRandom random, int priority) {

  /** Checks the token counts. */
  public Generation {
    checkArgument(promptTokens >= 1, "promptTokens: %s (expected: >= 1)", promptTokens);
    checkArgument(outputTokens >= 1, "outputTokens: %s (expected: >= 1)", outputTokens);
    Objects.requireNonNull(random, "random");
  }

  /** A generation of priority 0. */
  public Generation(
      int promptTokens, int outputTokens, boolean hitsLimit, SplittableRandom random) {
    this(promptTokens, outputTokens, hitsLimit, random, 0);
  }

  /**
   * Chooses the output length: {@code maxTokens} exactly when it is given, otherwise a draw from a
   * Gaussian with the configured mean and standard deviation, clamped to what the model length
   * leaves after the prompt.
   *
   * @param maxTokens the request's {@code max_tokens}, or {@code null}
   */
  public static Generation of(
      EngineConfig config, int promptTokens, @Nullable Integer maxTokens, SplittableRandom random) {
    return of(config, promptTokens, maxTokens, random, 0);
  }

  /** As {@link #of(EngineConfig, int, Integer, SplittableRandom)}, with vLLM's priority. */
  public static Generation of(
      EngineConfig config,
      int promptTokens,
      @Nullable Integer maxTokens,
      SplittableRandom random,
      int priority) {
    if (maxTokens != null) {
      return new Generation(promptTokens, maxTokens, true, random, priority);
    }
    int room = Math.max(1, config.maxModelLen() - promptTokens);
    double draw = config.defaultOutputMean() + nextGaussian(random) * config.defaultOutputStdDev();
    int length = (int) Math.max(1, Math.min(room, Math.round(draw)));
    return new Generation(promptTokens, length, false, random, priority);
  }

  static double nextGaussian(SplittableRandom random) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
