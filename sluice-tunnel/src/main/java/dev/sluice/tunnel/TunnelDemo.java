package dev.sluice.tunnel;

import static dev.sluice.tunnel.LoopbackTraffic.awaitStall;
import static dev.sluice.tunnel.LoopbackTraffic.connect;
import static dev.sluice.tunnel.LoopbackTraffic.nextId;
import static dev.sluice.tunnel.LoopbackTraffic.write;

import dev.sluice.tunnel.LoopbackTraffic.Sink;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * {@code sluice demo tunnel}: a tunnel server, an agent and two destinations in one process. One
 * client uploads without end to a destination that never reads (a stalled reader); next to it, on
 * the same agent, a healthy client uploads {@code --mib} MiB (default 64) to a destination that
 * reads. Run twice, with Sluice's per-connection credit and without (konnectivity's behaviour), it
 * prints the healthy upload's throughput in both runs, and its solo throughput for reference.
 */
public final class TunnelDemo {

  /** How long the healthy upload may take before the run calls it wedged. */
  private static final Duration BOUND = Duration.ofSeconds(20);

  private TunnelDemo() {}

  /** {@code [--mib N]}. */
  public static void main(String[] args) throws Exception {
    // The demo's output is its table: Armeria's start-up flags and Micrometer's notice that
    // several servers in one JVM share its global registry are noise here.
    System.setProperty("org.slf4j.simpleLogger.log.com.linecorp.armeria", "warn");
    System.setProperty("org.slf4j.simpleLogger.log.io.micrometer", "error");
    long mib = 64;
    if (args.length == 2 && args[0].equals("--mib")) {
      mib = Long.parseLong(args[1]);
    } else if (args.length != 0) {
      System.err.println("usage: sluice demo tunnel [--mib N]");
      System.exit(2);
    }
    long bytes = mib << 20;
    System.out.printf(
        "sluice demo tunnel: a healthy %d MiB upload next to a stalled reader on the same agent%n",
        mib);
    run(null, 256 << 10, false, bytes); // warms the JIT up
    run("solo, with credit", 256 << 10, false, bytes);
    run("beside the stall, with credit", 256 << 10, true, bytes);
    run("beside the stall, no credit", 0, true, bytes);
  }

  /** One run; prints its line unless {@code name} is null (a warm-up). */
  private static void run(@Nullable String name, long window, boolean stall, long bytes)
      throws Exception {
    try (Sink sink = new Sink(false);
        Sink stuck = new Sink(true);
        TunnelServer server = TunnelServer.builder().window(window).build().start();
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", server.agentPort()).window(window).build().start()) {
      if (!server.awaitAgents(1, Duration.ofSeconds(10))) {
        throw new TimeoutException("the agent did not connect within 10 s");
      }
      if (stall) {
        Socket stalled = connect(server, stuck.port());
        LoopbackTraffic.THREADS.execute(() -> write(stalled, nextId(), Long.MAX_VALUE));
        boolean bit = awaitStall(server, agent, window > 0, Duration.ofSeconds(10));
        if (!bit) {
          System.out.println("  (the stall did not take hold within 10 s)");
        }
      }
      Socket healthy;
      try {
        healthy = connect(server, sink.port());
      } catch (java.io.IOException e) {
        String status = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        System.out.printf("  %-30s  wedged: the healthy CONNECT failed (%s)%n", name, status);
        return;
      }
      long id = nextId();
      long start = System.nanoTime();
      LoopbackTraffic.THREADS.execute(() -> write(healthy, id, bytes));
      long got = sink.awaitReceived(id, bytes, BOUND);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (name == null) {
        // warm-up: nothing to print
      } else if (got >= bytes) {
        System.out.printf("  %-30s  %8.1f MiB/s%n", name, (bytes >> 20) / seconds);
      } else {
        System.out.printf(
            "  %-30s  %8.1f MiB/s  (wedged: %d of %d MiB arrived in %.0f s)%n",
            name, (got / (double) (1 << 20)) / seconds, got >> 20, bytes >> 20, seconds);
      }
      healthy.close();
    }
  }
}
