package dev.sluice.tunnel;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line flags, checked against the names a command knows. */
final class Flags {

  private final Map<String, String> values = new HashMap<>();

  /**
   * @throws IllegalArgumentException for an unknown flag, a flag without a value, or a repeat
   */
  Flags(String[] args, Set<String> known) {
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!name.startsWith("--") || !known.contains(name.substring(2))) {
        throw new IllegalArgumentException("unknown flag: " + name);
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(name + ": missing value");
      }
      if (values.put(name.substring(2), args[++i]) != null) {
        throw new IllegalArgumentException(name + ": given twice");
      }
    }
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  long number(String name, long fallback) {
    String value = values.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + ": " + value + " (expected: a number)", e);
    }
  }

  Duration millis(String name, Duration fallback) {
    return values.containsKey(name) ? Duration.ofMillis(number(name, 0)) : fallback;
  }
}
