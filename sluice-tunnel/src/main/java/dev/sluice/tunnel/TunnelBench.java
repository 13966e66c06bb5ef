package dev.sluice.tunnel;

import static dev.sluice.tunnel.LoopbackTraffic.awaitStall;
import static dev.sluice.tunnel.LoopbackTraffic.connect;
import static dev.sluice.tunnel.LoopbackTraffic.nextId;
import static dev.sluice.tunnel.LoopbackTraffic.upload;
import static dev.sluice.tunnel.LoopbackTraffic.write;

import dev.sluice.tunnel.LoopbackTraffic.Sink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tunnel's benchmarks, run by {@code sluice-tunnel/bench.sh} (not by {@code mvn verify}), all
 * over loopback in one process, uploads from a CONNECT client through the server and the agent to a
 * destination that reads and discards:
 *
 * <ol>
 *   <li>{@code transfer}: one upload of {@code --mib} MiB (default 256) directly and through the
 *       tunnel under Sluice's credit (256 KiB windows, WINDOW_UPDATE per half window) and under the
 *       seed's scheme (a window of 150 packets, one acknowledgement per 32 KiB packet: emulated
 *       with a 150 x 32 KiB window whose updates go out per packet consumed, which is the same
 *       thing for full packets), and with a 16 KiB window fixed and growing up to 4 MiB
 *       (auto-tuning): throughput, and control packets per MiB sent back by the agent;
 *   <li>{@code stalled}: 100 concurrent uploads of 4 MiB, one of them to a destination that never
 *       reads, with credit and without: how many of the 99 finish within 60 s, and how fast.
 * </ol>
 */
public final class TunnelBench {

  private TunnelBench() {}

  /** {@code [transfer|stalled|all] [--mib N]}. */
  public static void main(String[] args) throws Exception {
    String which = args.length > 0 ? args[0] : "all";
    long mib = args.length > 2 && args[1].equals("--mib") ? Long.parseLong(args[2]) : 256;
    if (which.equals("transfer") || which.equals("all")) {
      transfer(mib << 20);
    }
    if (which.equals("stalled") || which.equals("all")) {
      stalled(100, 4L << 20);
    }
  }

  private record Mode(
      String name, long window, long tunnelWindow, double updateRatio, long maxWindow) {}

  private static void transfer(long bytes) throws Exception {
    System.out.printf("transfer: one upload of %d MiB over loopback%n", bytes >> 20);
    try (Sink sink = new Sink(false)) {
      upload(sink, new Socket(InetAddress.getLoopbackAddress(), sink.port()), bytes); // warm-up
      double direct =
          upload(sink, new Socket(InetAddress.getLoopbackAddress(), sink.port()), bytes);
      System.out.printf("  direct                          %8.1f MiB/s%n", direct);
      List<Mode> modes =
          List.of(
              new Mode("sluice credit (256 KiB, 1/2)", 256 << 10, 4 << 20, 0.5, 0),
              new Mode("sluice credit (4800 KiB, 1/2)", 150L * Pipe.CHUNK, 0, 0.5, 0),
              new Mode("sluice credit (16 KiB, fixed)", 16 << 10, 4 << 20, 0.5, 0),
              new Mode("sluice credit (16 KiB, grows)", 16 << 10, 4 << 20, 0.5, 4 << 20),
              new Mode("packet-per-ACK (150 x 32 KiB)", 150L * Pipe.CHUNK, 0, 1.0 / 150, 0),
              new Mode("no credit (upstream)", 0, 0, 0.5, 0));
      for (Mode mode : modes) {
        try (TunnelServer server =
                TunnelServer.builder()
                    .window(mode.window)
                    .tunnelWindow(mode.tunnelWindow)
                    .maxWindow(mode.maxWindow)
                    .build()
                    .start();
            TunnelAgent agent =
                TunnelAgent.builder("127.0.0.1", server.agentPort())
                    .window(mode.window)
                    .tunnelWindow(mode.tunnelWindow)
                    .updateRatio(mode.updateRatio)
                    .maxWindow(mode.maxWindow)
                    .build()
                    .start()) {
          server.awaitAgents(1, Duration.ofSeconds(10));
          upload(sink, connect(server, sink.port()), bytes); // warm-up
          AgentLink link = Objects.requireNonNull(agent.currentLink(), "connected");
          long control = link.outbox.stats().controlPacketsSent();
          double tunnel = upload(sink, connect(server, sink.port()), bytes);
          double perMib =
              (link.outbox.stats().controlPacketsSent() - control) / (double) (bytes >> 20);
          System.out.printf(
              "  %-31s %8.1f MiB/s  (%.2f of direct)  %6.2f control packets per MiB from the agent"
                  + "%s%n",
              mode.name,
              tunnel,
              tunnel / direct,
              perMib,
              mode.maxWindow > 0
                  ? String.format(", window grew to %d KiB", link.largestWindow() >> 10)
                  : "");
        }
      }
    }
  }

  private static boolean stalled(TunnelAgent agent) {
    AgentLink link = agent.currentLink();
    return link != null && link.stalled.isDone();
  }

  private static void stalled(int connections, long bytes) throws Exception {
    System.out.printf(
        "stalled: %d concurrent uploads of %d MiB, one into a destination that never reads%n",
        connections, bytes >> 20);
    for (long window : new long[] {256 << 10, 0}) {
      try (Sink sink = new Sink(false);
          Sink stuck = new Sink(true);
          TunnelServer server = TunnelServer.builder().window(window).build().start();
          TunnelAgent agent =
              TunnelAgent.builder("127.0.0.1", server.agentPort()).window(window).build().start()) {
        server.awaitAgents(1, Duration.ofSeconds(10));
        Socket stall = connect(server, stuck.port());
        LoopbackTraffic.THREADS.execute(() -> write(stall, nextId(), Long.MAX_VALUE));
        if (!awaitStall(server, agent, window > 0, Duration.ofSeconds(15))) {
          System.out.println("  (the stall did not take hold within 15 s)");
        }
        long start = System.nanoTime();
        List<CompletableFuture<Long>> done = new ArrayList<>();
        AtomicInteger refused = new AtomicInteger();
        for (int i = 0; i < connections - 1; i++) {
          done.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    Socket socket;
                    try {
                      socket = connect(server, sink.port());
                    } catch (IOException e) { // without credit the dial waits behind the stall
                      refused.incrementAndGet();
                      throw new UncheckedIOException(e);
                    }
                    long id = nextId();
                    write(socket, id, bytes);
                    sink.awaitReceived(id, bytes);
                    return System.nanoTime() - start;
                  },
                  LoopbackTraffic.THREADS));
        }
        long[] times = new long[done.size()];
        int finished = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (CompletableFuture<Long> future : done) {
          try {
            times[finished] =
                future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            finished++;
          } catch (TimeoutException | ExecutionException e) {
            // not finished within the bound, or its CONNECT failed
          }
        }
        long[] sorted = Arrays.copyOf(times, finished);
        Arrays.sort(sorted);
        double seconds = finished == 0 ? 0 : sorted[finished - 1] / 1e9;
        System.out.printf(
            "  %-16s %3d of %d finished within 60 s, %d CONNECTs failed (agent's receive loop"
                + " stalled: %s); %s%n",
            window > 0 ? "sluice credit" : "no credit",
            finished,
            connections - 1,
            refused.get(),
            stalled(agent),
            finished == 0
                ? "none"
                : String.format(
                    "p50 %.2f s, last %.2f s, %.1f MiB/s together",
                    sorted[finished / 2] / 1e9, seconds, finished * (bytes >> 20) / seconds));
      }
    }
  }
}
