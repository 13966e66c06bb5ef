package dev.sluice.cluster;

import static dev.sluice.internal.Preconditions.checkArgument;

/** The cluster's own argument check; the general ones are core's {@code Preconditions}. */
final class Checks {
  private Checks() {}

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
