package dev.sluice.lab;

import dev.sluice.testing.ManualClock;

/**
 * A system a scenario runs through: Sluice, or one of the baselines. It owns the backend slots (or
 * lets its detector count them) and reports every outcome to the {@link Recorder}. It runs entirely
 * on the thread that advances the lab's {@link ManualClock}.
 */
public interface LabSystem {

  /** The name in reports. */
  String name();

  /** One arrival, at the current virtual time. */
  void submit(Arrival arrival);

  /** Releases what the system holds after the run. */
  default void shutdown() {}
}
