package dev.sluice.sim.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A strict parser for the Prometheus text format, enough to check what the simulator exposes. */
final class PrometheusParser {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"(,|$)");

  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new HashMap<>();
  final List<Sample> samples = new ArrayList<>();

  static PrometheusParser parse(String text) {
    PrometheusParser parsed = new PrometheusParser();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ")) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        if (parts.length != 4 || !NAME.matcher(parts[2]).matches()) {
          throw new IllegalArgumentException("bad TYPE line: " + line);
        }
        if (parsed.types.put(parts[2], parts[3]) != null) {
          throw new IllegalArgumentException("duplicate TYPE for " + parts[2]);
        }
        continue;
      }
      Matcher matcher = SAMPLE.matcher(line);
      if (!matcher.matches()) {
        throw new IllegalArgumentException("bad sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (matcher.group(3) != null) {
        Matcher label = LABEL.matcher(matcher.group(3));
        int end = 0;
        while (label.find() && label.start() == end) {
          labels.put(label.group(1), label.group(2));
          end = label.end();
        }
        if (end != matcher.group(3).length()) {
          throw new IllegalArgumentException("bad labels: " + line);
        }
      }
      String value = matcher.group(4);
      double parsedValue =
          value.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(value);
      String family = matcher.group(1).replaceAll("_(bucket|sum|count)$", "");
      if (!parsed.types.containsKey(matcher.group(1)) && !parsed.types.containsKey(family)) {
        throw new IllegalArgumentException("sample without TYPE: " + line);
      }
      parsed.samples.add(new Sample(matcher.group(1), labels, parsedValue));
    }
    return parsed;
  }

  /** The value of the single sample named {@code name}. */
  double value(String name) {
    List<Sample> matching = samples.stream().filter(s -> s.name().equals(name)).toList();
    if (matching.size() != 1) {
      throw new IllegalArgumentException(matching.size() + " samples named " + name);
    }
    return matching.get(0).value();
  }

  /** The value of the sample named {@code name} carrying label {@code key=value}, or 0. */
  double value(String name, String key, String value) {
    return samples.stream()
        .filter(s -> s.name().equals(name) && value.equals(s.labels().get(key)))
        .mapToDouble(Sample::value)
        .findFirst()
        .orElse(0);
  }
}
