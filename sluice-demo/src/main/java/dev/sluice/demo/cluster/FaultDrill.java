package dev.sluice.demo.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The faults of issue 15, one after the other, on three replicas sharing the pool's limit through
 * Redis (fail-open) under the saturated phase's load, spread evenly: kill a replica (SIGKILL), kill
 * and restart Redis, hang Redis (SIGSTOP) for 2 s, {@code SCRIPT FLUSH}. For each: the calls that
 * failed, and the most the backend ran against the bound the docs promise. Afterwards, with every
 * call ended, the reservations in Redis must be 0, the ground truth: no drift from replayed or late
 * commands. Stateless.
 */
final class FaultDrill {

  private static final Duration RECOVERY = Duration.ofSeconds(20);

  private FaultDrill() {}

  /** Runs the drill on a fleet of its own, the load spread evenly. */
  static Drill run(Trace trace, RedisProcess redis) throws Exception {
    try (Fleet fleet = new Fleet(Setup.REDIS, trace.limit(), redis);
        LoadDriver driver = new LoadDriver(fleet.replicas(), Balance.EVEN, trace.seed())) {
      return run(fleet, driver, trace, redis);
    }
  }

  /**
   * Runs the drill on {@code fleet} (three replicas sharing through {@code redis}), loaded by
   * {@code driver}; replica 2 is killed.
   */
  static Drill run(Fleet fleet, LoadDriver driver, Trace trace, RedisProcess redis)
      throws Exception {
    List<Fault> faults = new ArrayList<>();
    int limit = trace.limit();
    Poll.until("every replica global", RECOVERY, () -> fleet.allInMode("global"));
    LoadDriver.Run run = driver.start(LoadDriver.threeTenants(trace.users()));
    Pause.of(Duration.ofSeconds(1));

    // 1. A replica crashes: its units return once its heartbeat (3 x 1 s) expires.
    long from = run.now();
    fleet.probe().resetMax();
    ReplicaProcess victim = fleet.replicas().get(2);
    double victimService = service(redis, "v:replica-2-");
    victim.kill();
    driver.markDead(2);
    long reclaim =
        Poll.until(
            "the dead replica's reservation dropped",
            RECOVERY,
            () ->
                !redis.fields(Fleet.POOL, "limit:pool").keySet().stream()
                    .anyMatch(f -> f.startsWith("r:replica-2-")));
    long refill =
        reclaim
            + Poll.until(
                "the survivors run the whole limit",
                RECOVERY,
                () -> fleet.probe().running() >= limit);
    Pause.of(Duration.ofMillis(500));
    double retired = service(redis, "retired");
    faults.add(
        new Fault(
            "SIGKILL replica 2",
            errors(run, from, 2),
            fleet.probe().max(),
            limit,
            String.format(
                Locale.ROOT,
                "reservation dropped after %d ms, survivors at the limit after %d ms"
                    + " (heartbeat TTL 3 s); its service %.0f before, retired after: %.0f",
                reclaim / 1_000_000,
                refill / 1_000_000,
                victimService,
                retired)));

    // 2. Redis dies and comes back empty.
    from = run.now();
    fleet.probe().resetMax();
    PeakWatch watch = new PeakWatch(fleet);
    redis.kill();
    long degraded =
        Poll.until("every replica degraded", RECOVERY, () -> fleet.allInMode("degraded"));
    Pause.of(Duration.ofSeconds(1));
    redis.restart();
    long global = Poll.until("every replica global", RECOVERY, () -> fleet.allInMode("global"));
    Pause.of(Duration.ofMillis(500));
    watch.stop();
    faults.add(
        new Fault(
            "SIGKILL Redis, restart after 1 s",
            errors(run, from, -1),
            fleet.probe().max(),
            outageBound(limit, 2),
            String.format(
                Locale.ROOT,
                "degraded after %d ms, global %d ms after the restart; %s",
                degraded / 1_000_000,
                global / 1_000_000,
                watch.peak())));

    // 3. Redis hangs with its sockets open.
    from = run.now();
    fleet.probe().resetMax();
    watch = new PeakWatch(fleet);
    redis.signal("STOP");
    Pause.of(Duration.ofSeconds(2));
    redis.signal("CONT");
    global = Poll.until("every replica global", RECOVERY, () -> fleet.allInMode("global"));
    Pause.of(Duration.ofMillis(500));
    watch.stop();
    faults.add(
        new Fault(
            "SIGSTOP Redis 2 s",
            errors(run, from, -1),
            fleet.probe().max(),
            outageBound(limit, 2),
            String.format(
                Locale.ROOT, "global %d ms after SIGCONT; %s", global / 1_000_000, watch.peak())));

    // 4. The script cache is emptied: the next rounds get NOSCRIPT and send the script again.
    from = run.now();
    fleet.probe().resetMax();
    redis.call(c -> c.scriptFlush());
    Pause.of(Duration.ofSeconds(1));
    faults.add(
        new Fault(
            "SCRIPT FLUSH",
            errors(run, from, -1),
            fleet.probe().max(),
            limit,
            fleet.allInMode("global") ? "global throughout" : "not global after 1 s"));

    List<Call> calls = run.stop();
    Poll.until("the backend idle", RECOVERY, () -> fleet.probe().running() == 0);
    return new Drill(faults, victimService, retired, calls.size(), settled(redis));
  }

  /**
   * The drill's results.
   *
   * @param faults each fault's result, in order
   * @param victimService the killed replica's service, all tenants, as Redis had it before the kill
   * @param retiredAfter the service Redis keeps as retired once the killed replica was dropped: at
   *     least {@code victimService} if its tenants got no refund
   * @param calls the calls made during the whole drill
   * @param unitsAfter the units Redis records for the pool once every call ended: the ground truth
   *     is 0
   */
  record Drill(
      List<Fault> faults, double victimService, double retiredAfter, int calls, long unitsAfter) {}

  /**
   * The in-flight bound around a Redis outage, fail-open: {@code L + max(L, N)}. While degraded,
   * the shares sum to at most {@code max(L, N)} but move between replicas while the units that left
   * still run; and when Redis is back, a replica that reconnects first finds the others'
   * reservations gone (a restarted Redis is empty, and Lettuce's reconnect back-off reaches 500 ms)
   * and can take the whole limit while they still run on their degraded shares.
   */
  static int outageBound(int limit, int replicas) {
    return limit + Math.max(limit, replicas);
  }

  /** Failed calls that ended since {@code from}, not counting replica {@code killed}'s. */
  private static int errors(LoadDriver.Run run, long from, int killed) {
    return (int)
        run.calls().stream()
            .filter(c -> c.ended() >= from && c.error() != null && c.replica() != killed)
            .count();
  }

  /**
   * The reservations once the replicas have had a few rounds to hand back their units: the value
   * they settle on, read until two reads 300 ms apart agree and are 0, or after 5 s.
   */
  private static long settled(RedisProcess redis) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    long units = redis.reserved(Fleet.POOL, "pool");
    while (units != 0 && System.nanoTime() < deadline) {
      Pause.of(Duration.ofMillis(300));
      units = redis.reserved(Fleet.POOL, "pool");
    }
    return units;
  }

  /**
   * The service the band's hashes hold, summed over the tenants, in fields whose name starts with
   * {@code field} ({@code v:<replica>} for a replica's, {@code retired} for the dead ones').
   */
  private static double service(RedisProcess redis, String field) {
    return LoadDriver.threeTenants(1).keySet().stream()
        .flatMap(t -> redis.fields(Fleet.POOL, "svc:band0:" + t).entrySet().stream())
        .filter(e -> e.getKey().startsWith(field))
        .mapToDouble(e -> Double.parseDouble(e.getValue()))
        .sum();
  }
}
