package dev.sluice.demo;

import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import java.time.Duration;
import java.util.List;

/** What the demos share: their command lines' amounts of time, and their gateway. Stateless. */
final class DemoSupport {

  private DemoSupport() {}

  /**
   * Keeps the servers' start-up lines out of a demo's output: it prints its own progress, and they
   * would only interleave with it.
   */
  static void quietServerStartup() {
    System.setProperty("org.slf4j.simpleLogger.log.com.linecorp.armeria.server.Server", "warn");
  }

  /**
   * A command-line amount of time: a decimal number of {@code unit}s, optionally followed by the
   * unit's symbol, as {@code 20}, {@code 2.5} or {@code 20s} for seconds and {@code 300} or {@code
   * 300ms} for milliseconds.
   *
   * @param symbol {@code "s"} (seconds) or {@code "ms"} (milliseconds)
   * @throws IllegalArgumentException naming {@code value} if it is not such a number, or not
   *     positive
   */
  static Duration amount(String value, String symbol) {
    long nanosPerUnit =
        switch (symbol) {
          case "s" -> 1_000_000_000L;
          case "ms" -> 1_000_000L;
          default -> throw new IllegalArgumentException("symbol: " + symbol + " (expected: s, ms)");
        };
    String number =
        value.endsWith(symbol) ? value.substring(0, value.length() - symbol.length()) : value;
    double units;
    try {
      units = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a number", e);
    }
    if (!(units > 0) || Double.isInfinite(units)) {
      throw new IllegalArgumentException("'" + value + "' (expected: > 0)");
    }
    return Duration.ofNanos(Math.round(units * nanosPerUnit));
  }

  /** The gateway's configuration {@code yaml}, in front of {@code backends} (vLLM metrics). */
  static GatewayConfig gatewayConfig(String yaml, List<SimulatorServer> backends) {
    return GatewayConfig.parse(yaml)
        .withBackends(
            ClosedLoop.urls(backends).stream().map(uri -> new Backend(uri, "/metrics")).toList());
  }
}
