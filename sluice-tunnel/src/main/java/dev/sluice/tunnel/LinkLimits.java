package dev.sluice.tunnel;

import static dev.sluice.internal.Preconditions.checkArgument;

/** The argument checks the server's and the agent's builders share. */
final class LinkLimits {

  private LinkLimits() {}

  static long checkWindow(String name, long bytes) {
    checkArgument(bytes >= 0, "%s: %s (expected: >= 0)", name, bytes);
    return bytes;
  }

  static void checkMaxWindow(long maxWindow, long window) {
    checkArgument(
        maxWindow == 0 || maxWindow >= window,
        "maxWindow: %s (expected: 0 or >= window %s)",
        maxWindow,
        window);
  }

  static int checkConnections(int connections) {
    checkArgument(connections >= 1, "maxConnections: %s (expected: >= 1)", connections);
    return connections;
  }
}
