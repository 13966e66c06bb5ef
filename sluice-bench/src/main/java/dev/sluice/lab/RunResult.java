package dev.sluice.lab;

import dev.sluice.flow.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The outcome of one scenario through one system: a row per tenant (and per band when there are
 * several), Jain's index and the largest share error over the tenants with a target.
 *
 * @param scenario the scenario
 * @param system the system's name
 * @param rows per tenant, then per band
 * @param jain Jain's index of share / target over the tenants with a target, or NaN if none
 * @param maxShareError the largest relative share error, or NaN if no targets
 * @param arrivals requests that arrived
 * @param outcomes requests by outcome; they add up to {@code arrivals}
 * @param maxInFlight the most requests the backend ran at once
 */
public record RunResult(
    Scenario scenario,
    String system,
    List<Row> rows,
    double jain,
    double maxShareError,
    long arrivals,
    Map<Outcome, Long> outcomes,
    int maxInFlight) {

  /**
   * One tenant or band.
   *
   * @param label the tenant id, or {@code band N}
   * @param priority the band
   * @param arrivals requests that arrived
   * @param dispatched requests dispatched
   * @param share its part of the cost dispatched in the measurement window
   * @param target its fair share, or NaN
   * @param shareError {@code |share - target| / target}, or NaN
   * @param waitP50Ms median queue wait of its dispatched requests that arrived in the window
   * @param waitP99Ms 99th percentile of the same
   * @param waitMaxMs maximum of the same
   * @param endings rejections and evictions by outcome (only those that happened)
   */
  public record Row(
      String label,
      int priority,
      long arrivals,
      long dispatched,
      double share,
      double target,
      double shareError,
      double waitP50Ms,
      double waitP99Ms,
      double waitMaxMs,
      Map<Outcome, Long> endings) {}

  /** Sums of {@link #outcomes} by outcome equal the arrivals: every request has one outcome. */
  public boolean accountingAddsUp() {
    return outcomes.values().stream().mapToLong(Long::longValue).sum() == arrivals;
  }

  /** The row labelled {@code label}. */
  public Row row(String label) {
    return rows.stream()
        .filter(r -> r.label().equals(label))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no row " + label + " in " + rows));
  }

  /** Computes the result of a settled run. */
  public static RunResult of(Scenario scenario, String system, Recorder recorder) {
    List<Arrival> arrivals = recorder.arrivals();
    int tenants = scenario.tenants().size();
    TreeSet<Integer> priorities = new TreeSet<>();
    scenario.tenants().forEach(t -> priorities.add(t.priority()));
    List<int[]> groups = new ArrayList<>(); // tenant indexes per row
    List<String> labels = new ArrayList<>();
    List<Integer> rowPriorities = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      groups.add(new int[] {t});
      labels.add(scenario.tenants().get(t).id());
      rowPriorities.add(scenario.tenants().get(t).priority());
    }
    if (priorities.size() > 1) {
      for (int priority : priorities.descendingSet()) {
        groups.add(
            scenario.tenants().stream()
                .filter(t -> t.priority() == priority)
                .mapToInt(t -> scenario.tenantIndex(t.id()))
                .toArray());
        labels.add("band " + priority);
        rowPriorities.add(priority);
      }
    }

    double[] windowCost = new double[tenants];
    long[] arrived = new long[tenants];
    long[] dispatched = new long[tenants];
    List<List<Long>> waits = new ArrayList<>();
    List<Map<Outcome, Long>> endings = new ArrayList<>();
    for (int t = 0; t < tenants; t++) {
      waits.add(new ArrayList<>());
      endings.add(new EnumMap<>(Outcome.class));
    }
    Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
    double totalWindowCost = 0;
    for (Arrival arrival : arrivals) {
      int t = arrival.tenant();
      Outcome outcome = recorder.outcome(arrival.index());
      if (outcome == null) {
        throw new IllegalStateException("no outcome for " + arrival + " in " + system);
      }
      outcomes.merge(outcome, 1L, Long::sum);
      arrived[t]++;
      if (outcome == Outcome.DISPATCHED) {
        dispatched[t]++;
        long at = recorder.dispatchedAt(arrival.index());
        if (at >= scenario.warmupNanos() && at < scenario.durationNanos()) {
          windowCost[t] += arrival.cost();
          totalWindowCost += arrival.cost();
        }
        if (arrival.atNanos() >= scenario.warmupNanos()) {
          waits.get(t).add(recorder.waitNanos(arrival.index()));
        }
      } else {
        endings.get(t).merge(outcome, 1L, Long::sum);
      }
    }

    List<Row> rows = new ArrayList<>();
    List<Double> normalized = new ArrayList<>();
    double maxError = Double.NaN;
    for (int g = 0; g < groups.size(); g++) {
      long groupArrived = 0;
      long groupDispatched = 0;
      double groupCost = 0;
      List<Long> groupWaits = new ArrayList<>();
      Map<Outcome, Long> groupEndings = new EnumMap<>(Outcome.class);
      for (int t : groups.get(g)) {
        groupArrived += arrived[t];
        groupDispatched += dispatched[t];
        groupCost += windowCost[t];
        groupWaits.addAll(waits.get(t));
        endings.get(t).forEach((o, n) -> groupEndings.merge(o, n, Long::sum));
      }
      long[] sorted = groupWaits.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(sorted);
      double share = totalWindowCost == 0 ? 0 : groupCost / totalWindowCost;
      Double target = g < tenants ? scenario.targets().get(labels.get(g)) : null;
      double error = Double.NaN;
      if (target != null) {
        error = Fairness.shareError(share, target);
        maxError = Double.isNaN(maxError) ? error : Math.max(maxError, error);
        normalized.add(share / target);
      }
      rows.add(
          new Row(
              labels.get(g),
              rowPriorities.get(g),
              groupArrived,
              groupDispatched,
              share,
              target == null ? Double.NaN : target,
              error,
              Fairness.percentile(sorted, 50) / 1e6,
              Fairness.percentile(sorted, 99) / 1e6,
              sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
              groupEndings));
    }
    double jain =
        normalized.isEmpty()
            ? Double.NaN
            : Fairness.jain(normalized.stream().mapToDouble(Double::doubleValue).toArray());
    return new RunResult(
        scenario, system, rows, jain, maxError, arrivals.size(), outcomes, recorder.maxInFlight());
  }
}
