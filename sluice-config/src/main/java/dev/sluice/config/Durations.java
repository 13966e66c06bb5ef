package dev.sluice.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one way to write a duration in any Sluice configuration: a non-negative number and a unit
 * ({@code 250ns}, {@code 250us}, {@code 50ms}, {@code 1.5s}, {@code 2m}, {@code 1h}; a space before
 * the unit is allowed), an ISO-8601 duration ({@code PT2S}), or a bare whole number of milliseconds
 * ({@code 250}). Stateless and thread-safe.
 */
public final class Durations {

  /** What to put in an error message after "expected". */
  public static final String EXPECTED = "a duration such as 500ms, 30s or 2m";

  private static final Pattern WITH_UNIT =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ns|us|ms|s|m|h)");
  private static final Pattern BARE_MILLIS = Pattern.compile("\\d{1,18}");

  private Durations() {}

  /** The duration {@code text} spells, or {@code null} if it spells none. */
  public static @Nullable Duration parse(String text) {
    String trimmed = text.trim();
    Matcher m = WITH_UNIT.matcher(trimmed);
    if (m.matches()) {
      double nanos = Double.parseDouble(m.group(1)) * nanosPer(m.group(2));
      return nanos > Long.MAX_VALUE ? null : Duration.ofNanos(Math.round(nanos));
    }
    if (BARE_MILLIS.matcher(trimmed).matches()) {
      return Duration.ofMillis(Long.parseLong(trimmed));
    }
    try {
      return Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The duration {@code text} spells.
   *
   * @throws IllegalArgumentException naming {@code text} and the forms expected, if it spells none
   */
  public static Duration parseOrThrow(String text) {
    Duration parsed = parse(text);
    if (parsed == null) {
      throw new IllegalArgumentException("'" + text + "' (expected: " + EXPECTED + ")");
    }
    return parsed;
  }

  private static double nanosPer(String unit) {
    return switch (unit) {
      case "ns" -> 1;
      case "us" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      default -> 3600e9;
    };
  }
}
