package dev.sluice.credit;

/** Argument checks shared by the credit types, in one dialect. */
final class Credits {

  private Credits() {}

  static long checkNonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  static long checkPositive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }
}
