package dev.sluice.sim.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Renders a {@link LoadReport} as a fixed-width console table: one row per tenant, one per
 * priority, and a total. Stateless and thread-safe.
 */
public final class ReportTable {

  private static final String[] HEADERS = {
    "group",
    "reqs",
    "ok",
    "429",
    "503",
    "err",
    "ok/s",
    "tok/s",
    "TTFT p50",
    "p90",
    "p99",
    "E2E p50",
    "p90",
    "p99",
    "good",
    "good/s",
    "good%"
  };

  private ReportTable() {}

  /** The report as a table; latencies in milliseconds. */
  public static String render(LoadReport report) {
    List<String[]> rows = new ArrayList<>();
    report.byTenant().forEach(stats -> rows.add(row(stats)));
    if (report.byPriority().size() > 1) {
      report.byPriority().forEach(stats -> rows.add(row(stats)));
    }
    rows.add(row(report.total()));
    int[] widths = new int[HEADERS.length];
    for (int i = 0; i < HEADERS.length; i++) {
      widths[i] = HEADERS[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    line(out, HEADERS, widths);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
    }
    out.append(rule).append('\n');
    rows.forEach(row -> line(out, row, widths));
    out.append(
        String.format(
            Locale.ROOT,
            "elapsed %.2f s; latencies in ms over successful requests%n",
            report.elapsedSeconds()));
    return out.toString();
  }

  /**
   * Two reports next to each other, each under its title, for comparisons such as with and without
   * a gateway.
   */
  public static String sideBySide(
      String leftTitle, LoadReport left, String rightTitle, LoadReport right) {
    List<String> a = new ArrayList<>(List.of(leftTitle));
    a.addAll(List.of(render(left).split("\n")));
    List<String> b = new ArrayList<>(List.of(rightTitle));
    b.addAll(List.of(render(right).split("\n")));
    int width = a.stream().mapToInt(String::length).max().orElse(0);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      String l = i < a.size() ? a.get(i) : "";
      String r = i < b.size() ? b.get(i) : "";
      out.append(l).append(" ".repeat(width - l.length())).append("  |  ").append(r).append('\n');
    }
    return out.toString();
  }

  private static String[] row(GroupStats stats) {
    return new String[] {
      stats.group(),
      Integer.toString(stats.requests()),
      Integer.toString(stats.succeeded()),
      Integer.toString(stats.rejected429()),
      Integer.toString(stats.rejected503()),
      Integer.toString(stats.otherFailures()),
      fixed(stats.requestsPerSecond(), 2),
      fixed(stats.outputTokensPerSecond(), 1),
      ms(stats.ttftMs().p50()),
      ms(stats.ttftMs().p90()),
      ms(stats.ttftMs().p99()),
      ms(stats.e2eMs().p50()),
      ms(stats.e2eMs().p90()),
      ms(stats.e2eMs().p99()),
      Integer.toString(stats.good()),
      fixed(stats.goodputPerSecond(), 2),
      fixed(stats.goodputPercent(), 1)
    };
  }

  private static void line(StringBuilder out, String[] cells, int[] widths) {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        out.append("  ");
      }
      String cell = cells[i];
      String pad = " ".repeat(widths[i] - cell.length());
      out.append(i == 0 ? cell + pad : pad + cell);
    }
    out.append('\n');
  }

  private static String ms(@Nullable Double value) {
    return value == null ? "-" : fixed(value, 1);
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
