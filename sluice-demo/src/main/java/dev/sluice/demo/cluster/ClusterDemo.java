package dev.sluice.demo.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code sluice demo cluster [--duration SECONDS] [--scoreboard]}: three gateway replicas, each a
 * process of its own, behind a skewed load balancer (tenant {@code a} pinned to replica 0), once
 * each replica on its own and once sharing the pool's limit and fairness through a {@code
 * redis-server} it starts on a free loopback port; prints each tenant's share and the overshoot of
 * the pool's limit side by side. {@code --scoreboard} scores every setup (1 replica, 3 local-only,
 * 3 with Redis) under both balances, then runs the fault drill. Exit status 0, 2 for bad arguments,
 * 3 if {@code redis-server} is missing.
 */
public final class ClusterDemo {

  private ClusterDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(6);
    boolean scoreboard = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--scoreboard")) {
        scoreboard = true;
      } else if (args[i].equals("--duration") && i + 1 < args.length) {
        duration = seconds(args[++i]);
      } else {
        System.err.println("usage: sluice demo cluster [--duration SECONDS] [--scoreboard]");
        System.exit(args[i].equals("--help") ? 0 : 2);
      }
    }
    if (RedisProcess.binary() == null) {
      System.err.println("demo cluster: " + RedisProcess.MISSING);
      System.exit(3);
    }
    // The demo prints its own progress; the servers' start-up lines would only interleave with it.
    System.setProperty("org.slf4j.simpleLogger.log.com.linecorp.armeria.server.Server", "warn");
    Trace trace = Trace.standard(duration);
    if (scoreboard) {
      scoreboard(trace, System.out);
      faults(trace, System.out);
    } else {
      demo(trace, System.out);
    }
    System.exit(0);
  }

  /** The skewed case, local-only against Redis. */
  static List<Score> demo(Trace trace, PrintStream out) throws IOException {
    out.printf(
        Locale.ROOT,
        "Sluice cluster demo: 3 gateway processes in front of one simulated backend, pool limit %d"
            + " in flight;%n"
            + "tenants a, b, c (equal weights, %d closed-loop users each); the load balancer pins a"
            + " to replica 0 and spreads b and c. %d s per run.%n",
        trace.limit(),
        trace.users(),
        trace.saturated().toSeconds());
    List<Score> scores = new ArrayList<>();
    try (RedisProcess redis = RedisProcess.start()) {
      out.println("[1/2] each replica on its own (cluster.mode: local) ...");
      scores.add(ScaleOut.score(Setup.LOCAL, Balance.SKEWED, trace, null));
      out.println("[2/2] sharing the limit and fairness through Redis ...");
      scores.add(ScaleOut.score(Setup.REDIS, Balance.SKEWED, trace, redis));
    }
    out.println();
    out.println(
        "| replicas | share of a | share of b | share of c | fleet in flight | overshoot |");
    out.println("|---|---|---|---|---|---|");
    for (Score s : scores) {
      out.printf(
          Locale.ROOT,
          "| %s | %.0f%% | %.0f%% | %.0f%% | %d of %d | %.0f%% |%n",
          s.setup().name(),
          100 * s.shares().share().getOrDefault("a", 0.0),
          100 * s.shares().share().getOrDefault("b", 0.0),
          100 * s.shares().share().getOrDefault("c", 0.0),
          s.maxInFlight(),
          s.limit(),
          100 * s.overshoot());
    }
    out.println();
    out.println(
        "Fair is a third each. Alone, replica 0 splits its share of the backend among a, b and c,"
            + " while b and c");
    out.println(
        "also have replicas 1 and 2 to themselves; and each replica admits the whole limit. With"
            + " Redis the");
    out.println(
        "replicas split the limit, and replica 0 serves a first because b and c were served"
            + " elsewhere.");
    return scores;
  }

  /** Every setup under both balances, then the fault drill. */
  static void scoreboard(Trace trace, PrintStream out) throws IOException {
    List<Score> scores = new ArrayList<>();
    try (RedisProcess redis = RedisProcess.start()) {
      for (Setup setup : List.of(Setup.ONE, Setup.LOCAL, Setup.REDIS)) {
        for (Balance balance :
            setup.replicas() == 1 ? List.of(Balance.EVEN) : List.of(Balance.values())) {
          out.println("scoring " + setup.name() + ", " + balance + " ...");
          scores.add(ScaleOut.score(setup, balance, trace, redis));
        }
      }
    }
    out.println();
    Score.header().forEach(out::println);
    scores.forEach(s -> out.println(s.row()));
  }

  /** The fault drill, on a Redis of its own. */
  static void faults(Trace trace, PrintStream out) throws Exception {
    FaultDrill.Drill drill;
    try (RedisProcess redis = RedisProcess.start()) {
      out.println("fault drill ...");
      drill = FaultDrill.run(trace, redis);
    }
    print(drill, out);
  }

  /** The drill's results as a table. */
  static void print(FaultDrill.Drill drill, PrintStream out) {
    out.println();
    Fault.header().forEach(out::println);
    drill.faults().forEach(f -> out.println(f.row()));
    out.printf(
        Locale.ROOT,
        "%nAfterwards (%d calls, all ended): Redis records %d units for the pool; the ground truth"
            + " is 0.%n",
        drill.calls(),
        drill.unitsAfter());
  }

  private static Duration seconds(String value) {
    try {
      int seconds = Integer.parseInt(value);
      if (seconds >= 2) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    System.err.println("demo cluster: --duration: '" + value + "' (expected: whole seconds >= 2)");
    System.exit(2);
    throw new AssertionError("unreachable");
  }
}
