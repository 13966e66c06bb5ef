package dev.sluice.credit;

import static dev.sluice.internal.Preconditions.checkArgument;

/** Argument checks shared by the credit types, in one dialect. */
final class Credits {

  private Credits() {}

  static long checkNonNegative(String name, long value) {
    checkArgument(value >= 0, "%s: %s (expected: >= 0)", name, value);
    return value;
  }

  static long checkPositive(String name, long value) {
    checkArgument(value > 0, "%s: %s (expected: > 0)", name, value);
    return value;
  }
}
