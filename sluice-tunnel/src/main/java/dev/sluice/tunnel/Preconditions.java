package dev.sluice.tunnel;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks in the project's one dialect, Armeria's (as the core's): the message names the
 * argument, its value and what was expected, as in {@code checkArgument(n >= 1, "maxConnections: %s
 * (expected: >= 1)", n)}, formatted only when the check fails. The tunnel's own copy, so that it
 * needs nothing from the core's internals. Stateless; thread-safe.
 */
final class Preconditions {

  private Preconditions() {}

  /**
   * Throws {@link IllegalArgumentException} with {@code format} applied to {@code args} (by {@link
   * String#format}) if {@code condition} is false.
   */
  @SuppressWarnings("AnnotateFormatMethod") // no Error Prone annotations on the class path
  static void checkArgument(boolean condition, String format, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }
}
