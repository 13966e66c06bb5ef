package dev.sluice.demo;

import dev.sluice.config.Durations;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.sim.server.SimulatorServer;
import dev.sluice.sim.testbed.ClosedLoop;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** What the demos share: their command lines' amounts of time, and their gateway. Stateless. */
final class DemoSupport {

  private static final Pattern NUMBER = Pattern.compile("[0-9]+(\\.[0-9]*)?");

  private DemoSupport() {}

  /**
   * Keeps the servers' start-up lines out of a demo's output: it prints its own progress, and they
   * would only interleave with it.
   */
  static void quietServerStartup() {
    System.setProperty("org.slf4j.simpleLogger.log.com.linecorp.armeria.server.Server", "warn");
  }

  /**
   * A command-line amount of time: a bare decimal number counts in {@code unit} ({@code 20} with
   * seconds, {@code 300} with milliseconds); anything else is the simulator's duration grammar
   * ({@link Durations}: {@code 20s}, {@code 300ms}, {@code 1m}).
   *
   * @throws IllegalArgumentException naming {@code value} if it is not a duration, or not positive
   */
  static Duration amount(String value, TimeUnit unit) {
    Duration duration =
        NUMBER.matcher(value).matches()
            ? Duration.ofNanos(Math.round(Double.parseDouble(value) * unit.toNanos(1)))
            : Durations.parseOrThrow(value);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("'" + value + "' (expected: > 0)");
    }
    return duration;
  }

  /** The gateway's configuration {@code yaml}, in front of {@code backends} (vLLM metrics). */
  static GatewayConfig gatewayConfig(String yaml, List<SimulatorServer> backends) {
    return GatewayConfig.parse(yaml)
        .withBackends(
            ClosedLoop.urls(backends).stream().map(uri -> new Backend(uri, "/metrics")).toList());
  }
}
