package dev.sluice.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way to write a byte size in any Sluice configuration: a whole number of bytes ({@code
 * 4096}) or a whole number and a binary unit ({@code 512B}, {@code 16KiB}, {@code 64MiB}, {@code
 * 2GiB}, {@code 1TiB}; a space before the unit is allowed). Decimal units ({@code MB}) are refused
 * rather than guessed at. Stateless and thread-safe.
 */
public final class ByteSizes {

  /** What to put in an error message after "expected". */
  public static final String EXPECTED = "a size >= 0: bytes, or 512B, 16KiB, 64MiB, 2GiB, 1TiB";

  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KiB|MiB|GiB|TiB)?");

  private ByteSizes() {}

  /** The number of bytes {@code text} spells, or -1 if it spells none or more than a long holds. */
  public static long parse(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    String unit = m.group(2);
    int shift =
        unit == null
            ? 0
            : switch (unit) {
              case "B" -> 0;
              case "KiB" -> 10;
              case "MiB" -> 20;
              case "GiB" -> 30;
              default -> 40;
            };
    try {
      long amount = Long.parseLong(m.group(1));
      return amount > (Long.MAX_VALUE >> shift) ? -1 : amount << shift;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * The number of bytes {@code text} spells.
   *
   * @throws IllegalArgumentException naming {@code text} and the forms expected, if it spells none
   */
  public static long parseOrThrow(String text) {
    long bytes = parse(text);
    if (bytes < 0) {
      throw new IllegalArgumentException("'" + text + "' (expected: " + EXPECTED + ")");
    }
    return bytes;
  }
}
