package dev.sluice.demo.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Scores one {@link Setup} under one {@link Balance} on a {@link Trace}: starts the fleet (and, for
 * a Redis setup, uses {@code redis}), runs the light then the saturated phase, and returns the
 * {@link Score}. Stateless.
 */
final class ScaleOut {

  private static final long SECOND = 1_000_000_000L;

  private ScaleOut() {}

  /** Runs {@code setup} on {@code trace}; {@code redis} is required for a Redis setup. */
  static Score score(Setup setup, Balance balance, Trace trace, @Nullable RedisProcess redis)
      throws IOException {
    try (Fleet fleet = new Fleet(setup, trace.limit(), setup.redis() ? redis : null);
        LoadDriver driver = new LoadDriver(fleet.replicas(), balance, trace.seed())) {
      return score(fleet, driver, trace, setup.redis() ? redis : null);
    }
  }

  /** Runs both phases of {@code trace} on a started fleet. */
  static Score score(Fleet fleet, LoadDriver driver, Trace trace, @Nullable RedisProcess redis) {
    // Once unmeasured, so that the replicas have scraped the backend and compiled the hot path.
    run(driver, LoadDriver.threeTenants(trace.lightUsers()), trace.light());
    List<Call> light = run(driver, LoadDriver.threeTenants(trace.lightUsers()), trace.light());
    List<Double> waits = new ArrayList<>();
    light.stream().filter(c -> c.error() == null).forEach(c -> waits.add(c.admissionMillis()));
    waits.sort(null);

    long redisBefore = redis == null ? 0 : redis.commandCalls();
    fleet.probe().resetMax();
    List<Call> saturated = run(driver, LoadDriver.threeTenants(trace.users()), trace.saturated());
    int maxInFlight = fleet.probe().max();
    double redisPerRequest =
        redis == null
            ? Double.NaN
            : (redis.commandCalls() - redisBefore) / (double) Math.max(1, saturated.size());
    Shares shares =
        Shares.of(
            saturated,
            LoadDriver.threeTenants(1).keySet(),
            SECOND,
            trace.saturated().toNanos(),
            SECOND);
    int errors =
        (int)
            (light.stream().filter(c -> c.error() != null).count()
                + saturated.stream().filter(c -> c.error() != null).count());
    return new Score(
        fleet.setup(),
        driver.balance(),
        shares,
        trace.limit(),
        maxInFlight,
        Shares.percentile(waits, 0.50),
        Shares.percentile(waits, 0.99),
        redisPerRequest,
        saturated.size(),
        errors);
  }

  /** Runs {@code users} for {@code duration}, then waits for their calls to end. */
  static List<Call> run(LoadDriver driver, Map<String, Integer> users, Duration duration) {
    LoadDriver.Run run = driver.start(users);
    Pause.of(duration);
    return run.stop();
  }
}
