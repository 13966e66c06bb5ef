package dev.sluice.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sluice.bench.harness.Zipf;
import dev.sluice.flow.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs every scenario briefly and checks the lab's measures on inputs with known answers. */
class ScenarioLabTest {
  private static final long SEED = 7;
  private static final double SCALE = 0.2; // 4 virtual seconds per scenario

  @Test
  void jainIndexMatchesKnownValues() {
    assertThat(Fairness.jain(1, 1, 1, 1)).isEqualTo(1.0);
    assertThat(Fairness.jain(1, 0, 0, 0)).isEqualTo(0.25);
    assertThat(Fairness.jain(1, 2, 3)).isCloseTo(36.0 / 42.0, within(1e-12));
    // Weighted shares judged against their targets: 1:2:4 served exactly is perfectly fair.
    assertThat(Fairness.jain(1 / 7.0 / (1 / 7.0), 2 / 7.0 / (2 / 7.0), 4 / 7.0 / (4 / 7.0)))
        .isEqualTo(1.0);
  }

  @Test
  void percentilesAndShareErrorMatchKnownValues() {
    long[] sorted = new long[100];
    for (int i = 0; i < 100; i++) {
      sorted[i] = i + 1;
    }
    assertThat(Fairness.percentile(sorted, 50)).isEqualTo(50);
    assertThat(Fairness.percentile(sorted, 99)).isEqualTo(99);
    assertThat(Fairness.percentile(sorted, 100)).isEqualTo(100);
    assertThat(Fairness.percentile(new long[0], 99)).isZero();
    assertThat(Fairness.shareError(0.245, 0.25)).isCloseTo(0.02, within(1e-12));
  }

  @Test
  void zipfFavoursTheHotTenantAsExpected() {
    Zipf zipf = new Zipf(1_000, 1.1);
    int[] samples = zipf.samples(200_000, 1);
    long hot = Arrays.stream(samples).filter(s -> s == 0).count();
    assertThat(hot / 200_000.0).isCloseTo(zipf.probability(0), within(0.01));
    assertThat(zipf.probability(0)).isGreaterThan(zipf.probability(1));
    assertThat(Arrays.stream(samples).max().getAsInt()).isLessThan(1_000);
  }

  @Test
  void everyScenarioRunsThroughEverySystemAndEveryRequestHasOneOutcome(@TempDir Path out)
      throws Exception {
    var results = LabReport.runAll(SEED, SCALE);
    assertThat(results).hasSize(Scenarios.all(SEED).size());
    results.forEach(
        (scenario, runs) -> {
          assertThat(runs)
              .extracting(RunResult::system)
              .contains("sluice", "fifo-semaphore", "strict-priority");
          for (RunResult run : runs) {
            assertThat(run.accountingAddsUp())
                .as("%s on %s", run.system(), scenario.name())
                .isTrue();
            assertThat(run.arrivals()).isEqualTo(scenario.arrivals().size());
            assertThat(run.maxInFlight()).isLessThanOrEqualTo(scenario.slots());
            long tenantArrivals =
                run.rows().stream()
                    .filter(r -> !r.label().startsWith("band "))
                    .mapToLong(RunResult.Row::arrivals)
                    .sum();
            assertThat(tenantArrivals).isEqualTo(run.arrivals());
            for (RunResult.Row row : run.rows()) {
              long ended = row.endings().values().stream().mapToLong(Long::longValue).sum();
              assertThat(row.dispatched() + ended).isEqualTo(row.arrivals());
            }
          }
        });
    LabReport.Verdicts verdicts = LabReport.verdicts(results);
    LabReport.write(out, SEED, results, verdicts, true);
    assertThat(out.resolve("scenario-lab.md"))
        .content()
        .contains("## noisy-neighbour", "| sluice |");
    assertThat(Files.size(out.resolve("img/lab-weighted-share.png"))).isPositive();
  }

  @Test
  void sluiceSharesFairlyWhereTheFifoSemaphoreDoesNot() {
    Scenario scenario = Scenarios.noisyNeighbour(SEED).withDuration(4_000_000_000L, 1_000_000_000L);
    Map<String, RunResult> bySystem = new HashMap<>();
    ScenarioLab.run(scenario).forEach(r -> bySystem.put(r.system(), r));
    assertThat(bySystem.get("sluice").jain()).isGreaterThan(0.99);
    assertThat(bySystem.get("fifo-semaphore").jain()).isLessThan(0.6);
    assertThat(bySystem.get("sluice").row("a").share()).isCloseTo(0.25, within(0.01));
  }

  @Test
  void ttlsBoundEveryWaitAndDisplacementProtectsHighPriority() {
    Scenario bursts = Scenarios.ttlBursts(SEED).withDuration(6_000_000_000L, 1_000_000_000L);
    for (RunResult run : ScenarioLab.run(bursts)) {
      assertThat(run.rows())
          .allSatisfy(row -> assertThat(row.waitMaxMs()).isLessThanOrEqualTo(500.0));
    }
    Scenario displacement =
        Scenarios.displacement(SEED).withDuration(4_000_000_000L, 1_000_000_000L);
    RunResult sluice = ScenarioLab.run(displacement).get(0);
    assertThat(sluice.system()).isEqualTo("sluice");
    assertThat(sluice.row("critical").endings()).isEmpty();
    assertThat(sluice.row("bulk").endings()).containsKey(Outcome.EVICTED_DISPLACED);
  }

  @Test
  void runsAreDeterministic() {
    Scenario scenario = Scenarios.weighted(SEED).withDuration(2_000_000_000L, 500_000_000L);
    assertThat(ScenarioLab.run(scenario)).isEqualTo(ScenarioLab.run(scenario));
  }
}
