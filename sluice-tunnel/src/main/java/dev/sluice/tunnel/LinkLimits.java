package dev.sluice.tunnel;

/** The argument checks the server's and the agent's builders share. */
final class LinkLimits {

  private LinkLimits() {}

  static long checkWindow(String name, long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException(name + ": " + bytes + " (expected: >= 0)");
    }
    return bytes;
  }

  static int checkConnections(int connections) {
    if (connections < 1) {
      throw new IllegalArgumentException("maxConnections: " + connections + " (expected: >= 1)");
    }
    return connections;
  }
}
