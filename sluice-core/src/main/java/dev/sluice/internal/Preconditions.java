package dev.sluice.internal;

import org.jspecify.annotations.Nullable;

// AnnotateFormatMethod is suppressed below: @FormatMethod would need Error Prone's annotations,
// and the core has no dependencies; the tests cover each format used.
/**
 * Argument and state checks in one dialect, Armeria's: the message names the argument, its value
 * and what was expected, as in {@code checkArgument(n > 0, "maxRequests: %s (expected: > 0)", n)}.
 * The message is formatted with {@link String#format} only when the check fails, so a check on a
 * hot path costs a comparison (the {@code long} overload also avoids boxing). Stateless;
 * thread-safe.
 */
@SuppressWarnings("AnnotateFormatMethod")
public final class Preconditions {

  private Preconditions() {}

  /** Throws {@link IllegalArgumentException} with {@code message} if {@code condition} is false. */
  public static void checkArgument(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Throws {@link IllegalArgumentException} with {@code format} applied to {@code value} if {@code
   * condition} is false.
   */
  public static void checkArgument(boolean condition, String format, long value) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, value));
    }
  }

  /**
   * Throws {@link IllegalArgumentException} with {@code format} applied to {@code args} if {@code
   * condition} is false.
   */
  public static void checkArgument(boolean condition, String format, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }

  /** Throws {@link IllegalStateException} with {@code message} if {@code condition} is false. */
  public static void checkState(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }

  /**
   * Throws {@link IllegalStateException} with {@code format} applied to {@code args} if {@code
   * condition} is false.
   */
  public static void checkState(boolean condition, String format, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(format, args));
    }
  }
}
