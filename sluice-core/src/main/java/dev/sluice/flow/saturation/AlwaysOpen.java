package dev.sluice.flow.saturation;

/** A detector that never gates. */
final class AlwaysOpen implements SaturationDetector {
  static final AlwaysOpen INSTANCE = new AlwaysOpen();

  private AlwaysOpen() {}

  @Override
  public double saturation() {
    return 0.0;
  }

  @Override
  public String toString() {
    return "always-open";
  }
}
