package dev.sluice.pipeline.http;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how the HTTP API listens. Immutable.
 *
 * @param host the API's bind address
 * @param port the API's port; 0 picks a free one
 * @param adminHost the admin listener's bind address ({@code /metrics}, {@code /health})
 * @param adminPort the admin port; 0 picks a free one, -1 turns the admin listener off
 * @param maxRequestBytes the largest request body accepted (larger: 413)
 * @param maxWait the longest long-poll a lease call may ask for ({@code waitMs} is capped to it)
 */
public record HttpSettings(
    String host,
    int port,
    String adminHost,
    int adminPort,
    long maxRequestBytes,
    Duration maxWait) {

  /** Checks the values. */
  public HttpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(adminHost, "adminHost");
    Objects.requireNonNull(maxWait, "maxWait");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
    }
    if (adminPort < -1 || adminPort > 65535) {
      throw new IllegalArgumentException("adminPort: " + adminPort + " (expected: -1 to 65535)");
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException(
          "maxRequestBytes: " + maxRequestBytes + " (expected: > 0)");
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait: " + maxWait + " (expected: >= 0)");
    }
  }

  /** Both listeners on 127.0.0.1, free ports, 1 MiB bodies, waits up to 30 s: for tests. */
  public static HttpSettings loopback() {
    return new HttpSettings("127.0.0.1", 0, "127.0.0.1", 0, 1 << 20, Duration.ofSeconds(30));
  }
}
