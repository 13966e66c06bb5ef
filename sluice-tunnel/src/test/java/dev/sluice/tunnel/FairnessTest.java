package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An interactive connection (small request, echoed reply) next to bulk uploads on the same agent:
 * with deficit round-robin its packets wait behind at most about one quantum of each bulk
 * connection on the shared stream; in arrival order (the control) they wait behind whatever the
 * bulk connections' credit let them queue. Measured in stream bytes, not time, so that a busy
 * machine cannot make it flaky; the round-trip times are printed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FairnessTest {

  private static final int BULK_CONNECTIONS = 2;
  private static final long BULK_BYTES = 32L * 1024 * 1024;
  private static final int SOLO_PINGS = 200;
  private static final int MAX_PINGS = 20_000;

  @Test
  void interactivePacketsWaitBehindAboutOneQuantumPerBulkConnection() throws Exception {
    long waited = interactiveWaitedBehind(true);
    assertThat(waited).isLessThanOrEqualTo((BULK_CONNECTIONS + 1L) * Outbox.QUANTUM);
  }

  @Test
  void inArrivalOrderInteractivePacketsWaitBehindTheBulkConnectionsQueues() throws Exception {
    long waited = interactiveWaitedBehind(false);
    assertThat(waited).isGreaterThan((BULK_CONNECTIONS + 1L) * Outbox.QUANTUM);
  }

  /** The most stream bytes the interactive connection's packets waited behind, server to agent. */
  private static long interactiveWaitedBehind(boolean fair) throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().fair(fair));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort()).build().start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      int echo = loopback.echoServer();
      AtomicLong received = new AtomicLong();
      int sink = loopback.sinkServer(CompletableFuture.completedFuture(null), received);

      Loopback.Connect interactive = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
      assertThat(interactive.status()).isEqualTo(200);
      long[] solo = pingPong(interactive.socket(), SOLO_PINGS, new CompletableFuture<>());

      CompletableFuture<?>[] bulk = new CompletableFuture<?>[BULK_CONNECTIONS];
      for (int i = 0; i < BULK_CONNECTIONS; i++) {
        Loopback.Connect upload = loopback.connect(server.connectPort(), "127.0.0.1:" + sink);
        assertThat(upload.status()).isEqualTo(200);
        bulk[i] = loopback.send(upload.socket(), BULK_BYTES);
      }
      CompletableFuture<Void> uploads = CompletableFuture.allOf(bulk);
      long[] beside = pingPong(interactive.socket(), MAX_PINGS, uploads);
      CompletableFuture.allOf(bulk).get(60, TimeUnit.SECONDS);

      ServerLink link = server.links().get(0);
      Pipe pipe =
          link.pipes.values().stream()
              .min(Comparator.comparingLong(p -> p.connectId))
              .orElseThrow();
      long waited = pipe.maxWaitedBehind();
      System.out.printf(
          "fairness (%s): interactive RTT p50/max solo %d/%d us, beside %d bulk uploads %d/%d us;"
              + " waited behind at most %d stream bytes (%d pings beside the uploads)%n",
          fair ? "deficit round-robin" : "arrival order",
          solo[0] / 1000,
          solo[1] / 1000,
          BULK_CONNECTIONS,
          beside[0] / 1000,
          beside[1] / 1000,
          waited,
          beside[2]);
      assertThat(beside[2]).as("pings while the uploads ran").isGreaterThanOrEqualTo(10);
      assertThat(agent.currentLink().stalled).isNotDone();
      return waited;
    }
  }

  /**
   * 64-byte echoes one after another, {@code max} or until {@code until} completes; the p50 and max
   * round trip in ns, and the count.
   */
  private static long[] pingPong(Socket socket, int max, CompletableFuture<?> until)
      throws Exception {
    OutputStream out = socket.getOutputStream();
    InputStream in = socket.getInputStream();
    byte[] ping = new byte[64];
    long[] rtt = new long[max];
    int count = 0;
    while (count < max && !until.isDone()) {
      long start = System.nanoTime();
      out.write(ping);
      out.flush();
      assertThat(in.readNBytes(ping.length)).hasSize(ping.length);
      rtt[count++] = System.nanoTime() - start;
    }
    long[] done = Arrays.copyOf(rtt, Math.max(1, count));
    Arrays.sort(done);
    return new long[] {done[done.length / 2], done[done.length - 1], count};
  }
}
