package dev.sluice.cluster;

/** Argument checks in one dialect: {@code "limit: %s (expected: > 0)"}. */
final class Checks {
  private Checks() {}

  @SuppressWarnings("AnnotateFormatMethod") // @FormatMethod would add a runtime dependency
  static void checkArgument(boolean valid, String format, Object... args) {
    if (!valid) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }

  /** A name that can sit inside a Redis key next to a hash tag. */
  static String checkName(String field, String name) {
    checkArgument(
        !name.isEmpty() && name.indexOf('{') < 0 && name.indexOf('}') < 0,
        "%s: '%s' (expected: not empty, no '{' or '}')",
        field,
        name);
    return name;
  }
}
