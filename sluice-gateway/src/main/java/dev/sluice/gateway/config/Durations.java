package dev.sluice.gateway.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The configuration's one duration grammar. Stateless. */
final class Durations {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|us|ns)");

  private Durations() {}

  /**
   * Parses {@code 50ms}, {@code 2s}, {@code 1.5m}, {@code 1h}, ISO-8601 {@code PT2S}, or bare
   * milliseconds; {@code null} if {@code text} is none of these.
   */
  static @Nullable Duration parse(String text) {
    String trimmed = text.trim();
    Matcher m = DURATION.matcher(trimmed);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double nanosPerUnit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }
    if (trimmed.matches("\\d+")) {
      return Duration.ofMillis(Long.parseLong(trimmed));
    }
    try {
      return Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
