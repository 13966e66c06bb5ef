package dev.sluice.lab;

/**
 * A system a scenario runs through: Sluice, or one of the baselines. It owns the backend slots (or
 * lets its detector count them) and reports every outcome to the {@link Recorder}. It runs entirely
 * on the {@link VirtualTime} thread.
 */
public interface LabSystem {

  /** The name in reports. */
  String name();

  /** One arrival, at the current virtual time. */
  void submit(Arrival arrival);

  /** Releases what the system holds after the run. */
  default void shutdown() {}
}
