package dev.sluice.gateway.internal.tenant;

import java.time.Duration;

/**
 * One tenant's tokens per minute: a token bucket that holds at most a minute's worth and refills
 * continuously from the injected clock. A request is let through while the bucket holds at least
 * its cost (or, for a request larger than a minute's worth, while the bucket is full), and its
 * whole cost is taken, so the bucket may go into debt that later requests wait out. Thread-safe.
 */
final class TokenBudget {

  private static final double NANOS_PER_MINUTE = 60e9;

  private final double perMinute;
  private double tokens;
  private long lastNanos;

  TokenBudget(long perMinute, long nowNanos) {
    this.perMinute = (double) perMinute;
    this.tokens = this.perMinute;
    this.lastNanos = nowNanos;
  }

  /**
   * Takes {@code cost} tokens at {@code nowNanos} if the bucket allows it.
   *
   * @return {@link Duration#ZERO} if taken, else how long until the bucket would allow it
   */
  synchronized Duration take(long cost, long nowNanos) {
    tokens = Math.min(perMinute, tokens + (nowNanos - lastNanos) * perMinute / NANOS_PER_MINUTE);
    lastNanos = nowNanos;
    double needed = Math.min((double) cost, perMinute);
    if (tokens >= needed) {
      tokens -= (double) cost;
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) Math.ceil((needed - tokens) * NANOS_PER_MINUTE / perMinute));
  }
}
