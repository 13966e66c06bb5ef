package dev.sluice.lab;

import dev.sluice.testing.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Runs a scenario's arrivals through Sluice (each configured variant) and the two baselines, on
 * virtual time, and measures each run. Deterministic: the same scenario and seed give the same
 * results.
 */
public final class ScenarioLab {
  private ScenarioLab() {}

  /**
   * Every system on {@code scenario}: the Sluice variants, then the FIFO semaphore, then strict
   * priority.
   */
  public static List<RunResult> run(Scenario scenario) {
    List<Arrival> arrivals = scenario.arrivals();
    List<RunResult> results = new ArrayList<>();
    for (Scenario.SluiceVariant variant : scenario.variants()) {
      results.add(
          runOne(
              scenario,
              arrivals,
              (time, recorder) -> new SluiceSystem(scenario, variant, time, recorder)));
    }
    results.add(
        runOne(
            scenario, arrivals, (time, recorder) -> QueueBaseline.fifo(scenario, time, recorder)));
    results.add(
        runOne(
            scenario,
            arrivals,
            (time, recorder) -> QueueBaseline.strictPriority(scenario, time, recorder)));
    return results;
  }

  /** One system on {@code arrivals}, run until every request has its outcome and work finished. */
  public static RunResult runOne(
      Scenario scenario,
      List<Arrival> arrivals,
      BiFunction<ManualClock, Recorder, LabSystem> factory) {
    ManualClock time = new ManualClock(0);
    Recorder recorder = new Recorder(arrivals);
    LabSystem system = factory.apply(time, recorder);
    for (Arrival arrival : arrivals) {
      time.advanceTo(arrival.atNanos());
      system.submit(arrival);
    }
    time.runWhile(() -> !recorder.settled());
    if (!recorder.settled()) {
      throw new IllegalStateException(
          system.name()
              + " on "
              + scenario.name()
              + " stalled: "
              + recorder.ended()
              + " of "
              + arrivals.size()
              + " requests ended and no event is left");
    }
    system.shutdown();
    return RunResult.of(scenario, system.name(), recorder);
  }
}
