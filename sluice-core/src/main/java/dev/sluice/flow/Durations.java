package dev.sluice.flow;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The controller's one place for turning durations into nanoseconds and adding them to ticker
 * readings. Every conversion saturates instead of overflowing: a duration too long for a {@code
 * long} of nanoseconds means "never", and a deadline past {@link Long#MAX_VALUE} is {@link
 * Long#MAX_VALUE}, which the controller reads as "no deadline". Stateless; safe from any thread.
 */
final class Durations {
  /** A deadline that never passes. */
  static final long NEVER = Long.MAX_VALUE;

  private Durations() {}

  /** {@code duration} in nanoseconds, saturated to {@link Long#MIN_VALUE} or {@code MAX_VALUE}. */
  static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException overflow) {
      return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** {@code a + b}, saturated to {@link Long#MAX_VALUE} on overflow. */
  static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** The caller's deadline for a wait of {@code maxWaitNanos} from {@code now}; negative: none. */
  static long callerDeadline(long now, long maxWaitNanos) {
    return maxWaitNanos < 0 ? NEVER : saturatedAdd(now, maxWaitNanos);
  }

  /**
   * The caller's deadline for a wait of {@code maxWaitNanos} from now; negative: none. Reads {@code
   * ticker} only for a wait, so a queued submission without one reads no clock here (that read cost
   * about 3 % of a saturated dispatch: docs/benchmarks.md).
   */
  static long callerDeadline(Ticker ticker, long maxWaitNanos) {
    return maxWaitNanos < 0 ? NEVER : callerDeadline(ticker.read(), maxWaitNanos);
  }

  /**
   * The earliest of {@code deadline}, {@code now + ttl} (if {@code ttl} is not null) and {@code now
   * + defaultTtlNanos} (if positive).
   */
  static long effectiveDeadline(
      long deadline, long now, @Nullable Duration ttl, long defaultTtlNanos) {
    long effective = deadline;
    if (ttl != null) {
      effective = Math.min(effective, saturatedAdd(now, saturatedNanos(ttl)));
    }
    if (defaultTtlNanos > 0) {
      effective = Math.min(effective, saturatedAdd(now, defaultTtlNanos));
    }
    return effective;
  }
}
