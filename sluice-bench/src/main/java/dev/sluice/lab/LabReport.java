package dev.sluice.lab;

import dev.sluice.flow.Outcome;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Runs every scenario and writes the markdown tables and PNG charts.
 *
 * <p>{@code java -Djava.awt.headless=true -cp benchmarks.jar dev.sluice.lab.LabReport [outDir=docs]
 * [seed=1] [durationScale=1.0]} writes {@code outDir/scenario-lab.md} and {@code
 * outDir/img/lab-*.png}, and prints the target checks.
 */
public final class LabReport {
  /** Waits are charted on a log axis; a wait of 0 is drawn at this height. */
  private static final double WAIT_FLOOR_MS = 0.01;

  private LabReport() {}

  /** The lab's verdicts on the targets. */
  public record Verdicts(
      double jainNoisyNeighbour,
      double weightedMaxError,
      Map<String, double[]> trickleP99AloneFlood) {

    /** High-priority p99 under the flood divided by alone (1 when both are 0). */
    public double floodRatio(String system) {
      double[] p = Objects.requireNonNull(trickleP99AloneFlood.get(system), system);
      if (p[1] == 0 && p[0] == 0) {
        return 1.0;
      }
      return p[0] == 0 ? Double.POSITIVE_INFINITY : p[1] / p[0];
    }
  }

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path out = Path.of(args.length > 0 ? args[0] : "docs");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
    double scale = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    long started = System.nanoTime();
    Map<Scenario, List<RunResult>> results = runAll(seed, scale);
    Verdicts verdicts = verdicts(results);
    write(out, seed, results, verdicts, true);
    System.out.println(targetTable(verdicts));
    System.out.printf(
        Locale.ROOT,
        "lab finished in %.1f s (wall), written to %s%n",
        (System.nanoTime() - started) / 1e9,
        out.resolve("scenario-lab.md"));
  }

  /** Every scenario, durations scaled by {@code scale}. */
  public static Map<Scenario, List<RunResult>> runAll(long seed, double scale) {
    Map<Scenario, List<RunResult>> results = new LinkedHashMap<>();
    for (Scenario scenario : Scenarios.all(seed)) {
      Scenario scaled =
          scale == 1.0
              ? scenario
              : scenario.withDuration(
                  (long) (scenario.durationNanos() * scale),
                  (long) (scenario.warmupNanos() * scale));
      results.put(scaled, ScenarioLab.run(scaled));
    }
    return results;
  }

  /** The target measures from a full set of results. */
  public static Verdicts verdicts(Map<Scenario, List<RunResult>> results) {
    double jain = Double.NaN;
    double weightedError = Double.NaN;
    Map<String, double[]> trickle = new LinkedHashMap<>();
    for (Map.Entry<Scenario, List<RunResult>> entry : results.entrySet()) {
      String name = entry.getKey().name();
      for (RunResult run : entry.getValue()) {
        if (name.equals("noisy-neighbour") && run.system().equals("sluice")) {
          jain = run.jain();
        } else if (name.equals("weighted") && run.system().equals("sluice")) {
          weightedError = run.maxShareError();
        } else if (name.startsWith("trickle-")) {
          double[] p = trickle.computeIfAbsent(run.system(), s -> new double[2]);
          p[name.equals("trickle-alone") ? 0 : 1] = run.row("interactive").waitP99Ms();
        }
      }
    }
    return new Verdicts(jain, weightedError, trickle);
  }

  /** The markdown table of the lab's targets. */
  public static String targetTable(Verdicts v) {
    StringBuilder md = new StringBuilder();
    md.append("| target | measured | met |\n|---|---|---|\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| Jain's index >= 0.99, backlogged equal-weight flows (noisy-neighbour, sluice) | %.4f | %s |%n",
            v.jainNoisyNeighbour(),
            v.jainNoisyNeighbour() >= 0.99 ? "met" : "missed"));
    md.append(
        String.format(
            Locale.ROOT,
            "| weighted shares within 2 %% (weighted, sluice, largest relative error) | %.2f %% | %s |%n",
            v.weightedMaxError() * 100,
            v.weightedMaxError() <= 0.02 ? "met" : "missed"));
    for (String system : v.trickleP99AloneFlood().keySet()) {
      double[] p = v.trickleP99AloneFlood().get(system);
      double ratio = v.floodRatio(system);
      md.append(
          String.format(
              Locale.ROOT,
              "| high-priority p99 wait under the 10x flood <= 1.5x alone (%s) | %.2f ms vs %.2f ms alone (%s) | %s |%n",
              system,
              p[1],
              p[0],
              Double.isInfinite(ratio) ? "alone is 0" : String.format(Locale.ROOT, "%.2fx", ratio),
              ratio <= 1.5 ? "met" : "missed"));
    }
    return md.toString();
  }

  /** Writes {@code scenario-lab.md} and, if {@code charts}, the PNGs under {@code out/img}. */
  public static void write(
      Path out,
      long seed,
      Map<Scenario, List<RunResult>> results,
      Verdicts verdicts,
      boolean charts) {
    try {
      Files.createDirectories(out.resolve("img"));
      StringBuilder md = new StringBuilder();
      md.append("# Scenario lab results\n\n");
      md.append("Generated by `dev.sluice.lab.LabReport` (seed ")
          .append(seed)
          .append("); see [benchmarks.md](benchmarks.md) for the method and the command. ")
          .append("Virtual time: the numbers do not depend on the machine.\n\n");
      md.append("## Targets\n\n").append(targetTable(verdicts)).append('\n');
      for (Map.Entry<Scenario, List<RunResult>> entry : results.entrySet()) {
        Scenario scenario = entry.getKey();
        md.append("## ")
            .append(scenario.name())
            .append("\n\n")
            .append(scenario.title())
            .append(". ");
        md.append(
            String.format(
                Locale.ROOT,
                "%d slots; %.0f s, shares measured from %.0f s; queue limit %s",
                scenario.slots(),
                scenario.durationNanos() / 1e9,
                scenario.warmupNanos() / 1e9,
                scenario.queueLimit() == 0 ? "none" : String.valueOf(scenario.queueLimit())));
        if (scenario.perFlowLimit() > 0) {
          md.append(", per-flow limit ").append(scenario.perFlowLimit()).append(" (Sluice only)");
        }
        md.append(
            scenario.weightedFairness()
                ? "; Sluice fairness `weighted-fair`"
                : "; Sluice fairness `round-robin`");
        md.append(".\n\n");
        md.append(
            "| system | tenant / band | prio | arrived | dispatched | share | target | error | wait p50 ms | p99 ms | max ms | rejected / evicted |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult run : entry.getValue()) {
          for (RunResult.Row row : run.rows()) {
            md.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %d | %d | %.1f %% | %s | %s | %.1f | %.1f | %.1f | %s |%n",
                    run.system(),
                    row.label(),
                    row.priority(),
                    row.arrivals(),
                    row.dispatched(),
                    row.share() * 100,
                    Double.isNaN(row.target())
                        ? ""
                        : String.format(Locale.ROOT, "%.1f %%", row.target() * 100),
                    Double.isNaN(row.shareError())
                        ? ""
                        : String.format(Locale.ROOT, "%.1f %%", row.shareError() * 100),
                    row.waitP50Ms(),
                    row.waitP99Ms(),
                    row.waitMaxMs(),
                    endings(row.endings())));
          }
        }
        md.append('\n');
        for (RunResult run : entry.getValue()) {
          md.append(
              String.format(
                  Locale.ROOT,
                  "- %s: Jain's index %s, largest share error %s, outcomes %s (add up to %d arrivals: %s), at most %d in flight%n",
                  run.system(),
                  Double.isNaN(run.jain()) ? "n/a" : String.format(Locale.ROOT, "%.4f", run.jain()),
                  Double.isNaN(run.maxShareError())
                      ? "n/a"
                      : String.format(Locale.ROOT, "%.1f %%", run.maxShareError() * 100),
                  endings(run.outcomes()),
                  run.arrivals(),
                  run.accountingAddsUp() ? "yes" : "NO",
                  run.maxInFlight()));
        }
        if (charts) {
          String shareChart = "img/lab-" + scenario.name() + "-share.png";
          String waitChart = "img/lab-" + scenario.name() + "-wait-p99.png";
          chart(
              out.resolve(shareChart),
              scenario.name() + ": throughput share",
              "share %",
              entry.getValue(),
              row -> row.share() * 100);
          chart(
              out.resolve(waitChart),
              scenario.name() + ": queue wait p99 (log; 0 drawn at 0.01)",
              "ms",
              entry.getValue(),
              row -> Math.max(WAIT_FLOOR_MS, row.waitP99Ms()));
          md.append("\n![share](")
              .append(shareChart)
              .append(") ![wait p99](")
              .append(waitChart)
              .append(")\n");
        }
        md.append('\n');
      }
      Files.writeString(out.resolve("scenario-lab.md"), md.toString(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String endings(Map<Outcome, Long> endings) {
    if (endings.isEmpty()) {
      return "none";
    }
    return endings.entrySet().stream()
        .map(e -> e.getKey().reason() + " " + e.getValue())
        .collect(Collectors.joining(", "));
  }

  private static void chart(
      Path file,
      String title,
      String yTitle,
      List<RunResult> runs,
      ToDoubleFunction<RunResult.Row> value)
      throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(720)
            .height(360)
            .title(title)
            .xAxisTitle("tenant / band")
            .yAxisTitle(yTitle)
            .build();
    if (yTitle.equals("ms")) {
      chart.getStyler().setYAxisLogarithmic(true);
      chart
          .getStyler()
          .setYAxisMin(WAIT_FLOOR_MS); // bars start at 0 otherwise, which a log axis cannot show
    }
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    for (RunResult run : runs) {
      List<String> labels = new ArrayList<>();
      List<Double> values = new ArrayList<>();
      for (RunResult.Row row : run.rows()) {
        labels.add(row.label());
        values.add(value.applyAsDouble(row));
      }
      chart.addSeries(run.system(), labels, values);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
