package dev.sluice.backpressure;

/**
 * The data plane's side of the ownership split: it reports how full it is, one number per named
 * signal (resident bytes, outstanding references), and the {@link BackpressureController} decides
 * whether producers pause. The reporter never decides anything and never sees the controller.
 *
 * <p>{@link BackpressureController#refresh()} reads every configured signal through {@link #level},
 * without holding any of the controller's locks. Implementations must be thread-safe, cheap (an
 * atomic read, not a scan) and must not call back into the controller from {@link #level}. A
 * reporter that throws fails that {@code refresh()} and leaves the latch as it was.
 */
@FunctionalInterface
public interface CapacityReporter {

  /**
   * The current level of {@code signal}, in the signal's own unit.
   *
   * @param signal the name of a signal from the configuration, e.g. {@code "residentBytes"}
   * @return the level, {@code >= 0}
   */
  long level(String signal);
}
