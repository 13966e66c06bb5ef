package dev.sluice.flow;

/**
 * A source of monotonic time in nanoseconds, injected so that tests can drive time by hand.
 *
 * <p>Implementations must be thread-safe and never go backwards.
 */
@FunctionalInterface
public interface Ticker {

  /** The current time in nanoseconds from an arbitrary origin. */
  long read();

  /** The system ticker, {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
