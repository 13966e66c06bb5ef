package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The head-of-line wedge of konnectivity (reference B.3), over real loopback sockets: one
 * destination never reads (4 KiB receive buffer) while another connection through the same agent
 * echoes a few MiB. With byte credit the healthy transfer completes at most of its solo speed; with
 * credit off (window 0 on both ends, the upstream behaviour) it does not complete at all, which
 * shows the test can fail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IsolationTest {

  private static final int TRANSFER = 4 * 1024 * 1024;

  /** Small echoes whose median is the connection's latency. */
  private static final int ROUND_TRIPS = 200;

  /** Bound on waiting for an event (a stall, a wedge); a passing test does not wait it out. */
  private static final Duration WEDGE_BOUND = Duration.ofSeconds(15);

  /**
   * How many solo transfer times a transfer must stay unfinished to count as hung: far beyond any
   * slowdown a tunnel with credit shows beside a stall (at most 2x, asserted in the first test), at
   * least {@link #MIN_HUNG} and at most {@link #WEDGE_BOUND}.
   */
  private static final int HUNG_FACTOR = 20;

  private static final Duration MIN_HUNG = Duration.ofSeconds(3);

  @Test
  void healthyConnectionKeepsFlowingBesideAStalledDestination() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(256 * 1024));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(256 * 1024)
                .maxQueuedPackets(4)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      int echo = loopback.echoServer();

      Solo solo = solo(loopback, server, echo);

      // The stalled client has written more than the connection's window: its sender waits for
      // credit, and the destination's buffers are full.
      Stall stall = stall(loopback, server, 512 * 1024);
      stall.passedMark.get(10, TimeUnit.SECONDS);

      Loopback.Connect healthy = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
      assertThat(healthy.status()).isEqualTo(200);
      long beside = loopback.echo(healthy.socket(), TRANSFER);
      long besideRoundTrip = medianRoundTrip(loopback, healthy.socket());

      System.out.printf(
          "isolation: %d MiB echo solo %d ms, beside a stalled destination %d ms (%.2f of solo"
              + " throughput); 64 B echo p50 solo %d us, beside %d us%n",
          TRANSFER >> 20,
          solo.transfer() / 1_000_000,
          beside / 1_000_000,
          (double) solo.transfer() / beside,
          solo.roundTrip() / 1_000,
          besideRoundTrip / 1_000);
      // Most of the solo throughput and latency: at least half, with 1 s of slack for a shared
      // 2-core machine (the ratios are measured, not asserted: docs/benchmarks.md, Tunnel).
      assertThat(beside)
          .isLessThanOrEqualTo(Math.max(2 * solo.transfer(), solo.transfer() + 1_000_000_000L));
      assertThat(besideRoundTrip)
          .isLessThanOrEqualTo(Math.max(2 * solo.roundTrip(), solo.roundTrip() + 1_000_000_000L));
      assertThat(agent.currentLink().stalled).isNotDone();
      assertThat(stall.flooding).isNotDone(); // still stalled, not failed
    }
  }

  @Test
  void withoutCreditTheStalledDestinationWedgesTheTunnel() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(0));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(0)
                .maxQueuedPackets(4)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      int echo = loopback.echoServer();

      Solo solo = solo(loopback, server, echo); // works while nothing is stalled
      Duration hung =
          Duration.ofNanos(
              Math.min(
                  WEDGE_BOUND.toNanos(),
                  Math.max(MIN_HUNG.toNanos(), HUNG_FACTOR * solo.transfer())));

      stall(loopback, server, 0);
      // The agent's one receive loop stops on the stalled connection's full queue.
      agent.currentLink().stalled.get(WEDGE_BOUND.toSeconds(), TimeUnit.SECONDS);

      Loopback.Connect healthy = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
      if (healthy.status() == 200) {
        CompletableFuture<Long> transfer =
            loopback.run(() -> loopback.echo(healthy.socket(), TRANSFER)).thenApply(unused -> 0L);
        // Not completed within 20 solo transfer times: it hangs (TimeoutException), or, seen
        // once in about ten runs before 2026-12-03 and not reproduced in the runs since, its
        // connection ends early. What could end it is printed: the whole tunnel (the agent then
        // dials again, so connects > 1) or this connection alone (its close, or the echo
        // destination's).
        assertThat(transfer).failsWithin(hung);
        System.out.printf(
            "wedge: healthy CONNECT 200, transfer %s (%d ms; solo %d ms); agent tunnels opened %d,"
                + " server tunnels %d%n",
            transfer.isDone() ? "ended early: " + transfer.handle((v, e) -> e).join() : "hung",
            hung.toMillis(),
            solo.transfer() / 1_000_000,
            agent.connects(),
            server.agentCount());
      } else {
        // The dial itself is stuck behind the stalled data: 504 after the dial timeout.
        System.out.printf("wedge: healthy CONNECT %d%n", healthy.status());
        assertThat(healthy.status()).isEqualTo(504);
      }
    }
  }

  /** A healthy connection's transfer time and median round trip, in nanoseconds. */
  private record Solo(long transfer, long roundTrip) {}

  private static Solo solo(Loopback loopback, TunnelServer server, int echo) throws Exception {
    Loopback.Connect warmup = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    assertThat(warmup.status()).isEqualTo(200);
    loopback.echo(warmup.socket(), TRANSFER); // JIT warm-up
    medianRoundTrip(loopback, warmup.socket());
    long transfer = loopback.echo(warmup.socket(), TRANSFER);
    long roundTrip = medianRoundTrip(loopback, warmup.socket());
    warmup.socket().close();
    return new Solo(transfer, roundTrip);
  }

  /** The median of {@value #ROUND_TRIPS} 64-byte echoes on {@code socket}, in nanoseconds. */
  private static long medianRoundTrip(Loopback loopback, Socket socket) throws Exception {
    long[] took = new long[ROUND_TRIPS];
    for (int i = 0; i < took.length; i++) {
      took[i] = loopback.echo(socket, 64);
    }
    Arrays.sort(took);
    return took[took.length / 2];
  }

  private record Stall(
      Socket client,
      AtomicLong written,
      CompletableFuture<Void> flooding,
      CompletableFuture<Void> passedMark) {}

  /** A connection to a destination that never reads, its client writing without end. */
  private static Stall stall(Loopback loopback, TunnelServer server, long mark) throws Exception {
    CompletableFuture<Socket> accepted = new CompletableFuture<>();
    int stuck = loopback.stuckServer(accepted);
    Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + stuck);
    assertThat(connect.status()).isEqualTo(200);
    accepted.get(10, TimeUnit.SECONDS);
    AtomicLong written = new AtomicLong();
    CompletableFuture<Void> passedMark = new CompletableFuture<>();
    return new Stall(
        connect.socket(),
        written,
        loopback.flood(connect.socket(), written, mark, passedMark),
        passedMark);
  }
}
