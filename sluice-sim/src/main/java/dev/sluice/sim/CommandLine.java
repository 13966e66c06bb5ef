package dev.sluice.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Parsed {@code --flag value}, {@code --flag=value} and boolean {@code --flag} arguments. Not
 * thread-safe.
 */
final class CommandLine {

  /** A bad command line; the message says what is wrong. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  private final Map<String, List<String>> values = new LinkedHashMap<>();

  static CommandLine parse(List<String> args, Set<String> valued, Set<String> booleans) {
    CommandLine line = new CommandLine();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name)) {
        if (value != null && !value.equals("true") && !value.equals("false")) {
          throw new UsageException(
              "--" + name + " takes no value or true/false, got '" + value + "'");
        }
        line.values
            .computeIfAbsent(name, k -> new ArrayList<>())
            .add(value == null ? "true" : value);
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args.get(++i);
        }
        line.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } else {
        throw new UsageException("unknown flag --" + name);
      }
    }
    return line;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The last value given for {@code name}, or {@code null} when the flag is absent. */
  @Nullable String get(String name) {
    List<String> list = values.get(name);
    return list == null ? null : list.get(list.size() - 1);
  }

  /** The last value given for {@code name}, or {@code absent} when the flag is absent. */
  String get(String name, String absent) {
    String value = get(name);
    return value == null ? absent : value;
  }

  List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(get(name, "false"));
  }

  int integer(String name, int absent) {
    String value = get(name);
    if (value == null) {
      return absent;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects an integer, got '" + value + "'");
    }
  }

  long longValue(String name, long absent) {
    String value = get(name);
    if (value == null) {
      return absent;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects an integer, got '" + value + "'");
    }
  }

  double number(String name, double absent) {
    String value = get(name);
    if (value == null) {
      return absent;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " expects a number, got '" + value + "'");
    }
  }

  java.time.Duration duration(String name, java.time.Duration absent) {
    java.time.Duration value = optionalDuration(name);
    return value == null ? absent : value;
  }

  /** The duration given for {@code name}, or {@code null} when the flag is absent. */
  java.time.@Nullable Duration optionalDuration(String name) {
    String value = get(name);
    if (value == null) {
      return null;
    }
    try {
      return dev.sluice.config.Durations.parseOrThrow(value);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
  }
}
