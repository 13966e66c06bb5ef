package dev.sluice.demo.cluster;

import java.util.List;
import java.util.Locale;

/**
 * What one fault did to the fleet under load.
 *
 * @param name the fault
 * @param errors calls that failed while it lasted and until the fleet recovered, not counting those
 *     on a replica that was killed (its clients lose their connections)
 * @param maxInFlight the most the backend ran at once meanwhile
 * @param bound the most the documentation promises for that time
 * @param detail what else was measured (recovery time, the dead replica's service)
 */
record Fault(String name, int errors, int maxInFlight, int bound, String detail) {

  /** The header of {@link #row()}. */
  static List<String> header() {
    return List.of(
        "| fault (3 replicas, Redis, fail-open) | errors | in flight (bound) | measured |",
        "|---|---|---|---|");
  }

  /** This result as a Markdown table row. */
  String row() {
    return String.format(
        Locale.ROOT, "| %s | %d | %d (%d) | %s |", name, errors, maxInFlight, bound, detail);
  }
}
