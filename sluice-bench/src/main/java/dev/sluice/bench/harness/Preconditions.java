package dev.sluice.bench.harness;

import org.jspecify.annotations.Nullable;

/**
 * Argument and state checks in the project's one dialect, Armeria's (as the core's): the message
 * names the argument, its value and what was expected, as in {@code checkArgument(n > 0, "slots: %s
 * (expected: > 0)", n)}. The message is formatted only when the check fails. The benchmarks' own
 * copy, so that they need nothing from the core's internals. Stateless; thread-safe.
 */
public final class Preconditions {

  private Preconditions() {}

  /**
   * Throws {@link IllegalArgumentException} with {@code format} applied to {@code args} (by {@link
   * String#format}) if {@code condition} is false.
   */
  @SuppressWarnings("AnnotateFormatMethod") // no Error Prone annotations on the class path
  public static void checkArgument(boolean condition, String format, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }

  /**
   * Throws {@link IllegalStateException} with {@code format} applied to {@code args} (by {@link
   * String#format}) if {@code condition} is false.
   */
  @SuppressWarnings("AnnotateFormatMethod") // no Error Prone annotations on the class path
  public static void checkState(boolean condition, String format, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(format, args));
    }
  }
}
