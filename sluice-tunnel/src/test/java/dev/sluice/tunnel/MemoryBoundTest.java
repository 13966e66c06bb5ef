package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a tunnel holds while large uploads meet destinations that do not read: with credit, the
 * agent's buffered bytes stay under the sum of the connections' windows and the server's outbox
 * under the tunnel window, before and after the readers catch up; without credit (the control) the
 * agent buffers far more. Measured with the tunnel's own byte counters, not the heap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryBoundTest {

  private static final int CONNECTIONS = 4;
  private static final long WINDOW = 64 * 1024;
  private static final long TUNNEL_WINDOW = 128 * 1024;
  private static final long UPLOAD = 16L * 1024 * 1024;

  @Test
  void bufferedBytesStayUnderTheWindowsWhileReadersStallAndCatchUp() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started =
            Started.start(TunnelServer.builder().window(WINDOW).tunnelWindow(TUNNEL_WINDOW));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(WINDOW)
                .tunnelWindow(TUNNEL_WINDOW)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      CompletableFuture<Void> gate = new CompletableFuture<>();
      AtomicLong received = new AtomicLong();
      int sink = loopback.sinkServer(gate, received);
      CompletableFuture<?>[] uploads = new CompletableFuture<?>[CONNECTIONS];
      for (int i = 0; i < CONNECTIONS; i++) {
        Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + sink);
        assertThat(connect.status()).isEqualTo(200);
        uploads[i] = loopback.send(connect.socket(), UPLOAD);
      }
      ServerLink link = server.links().get(0);
      AgentLink agentLink = agent.currentLink();

      // Every connection's sender ran out of credit while nobody reads.
      assertThat(link.awaitCreditWaits(CONNECTIONS, Duration.ofSeconds(30))).isTrue();
      long stalledMax = agentLink.bufferedBytes()[1];
      long outboxMax = link.outbox.stats().maxQueuedBytes();

      gate.complete(null); // the readers catch up
      CompletableFuture.allOf(uploads).get(60, TimeUnit.SECONDS);
      long total = CONNECTIONS * UPLOAD;
      assertThat(Loopback.awaitAtLeast(received, total, Duration.ofSeconds(60))).isTrue();
      assertThat(received.get()).isEqualTo(total);

      System.out.printf(
          "memory: %d uploads of %d MiB, windows %d KiB per connection, %d KiB per tunnel: agent"
              + " buffered at most %d KiB while stalled, %d KiB overall; server outbox at most %d"
              + " KiB; %d credit waits, %d ms blocked%n",
          CONNECTIONS,
          UPLOAD >> 20,
          WINDOW >> 10,
          TUNNEL_WINDOW >> 10,
          stalledMax >> 10,
          agentLink.bufferedBytes()[1] >> 10,
          link.outbox.stats().maxQueuedBytes() >> 10,
          link.creditWaits(),
          TimeUnit.NANOSECONDS.toMillis(link.creditBlockedNanos()));
      assertThat(stalledMax).isLessThanOrEqualTo(CONNECTIONS * WINDOW);
      assertThat(agentLink.bufferedBytes()[1]).isLessThanOrEqualTo(CONNECTIONS * WINDOW);
      assertThat(outboxMax).isLessThanOrEqualTo(TUNNEL_WINDOW);
      assertThat(link.outbox.stats().maxQueuedBytes()).isLessThanOrEqualTo(TUNNEL_WINDOW);
      assertThat(agentLink.bufferedBytes()[0]).isZero();
    }
  }

  /**
   * The bound: a large upload into a reader slower than the tunnel (2 KiB reads from a 4
   * KiB receive buffer): the 1 GiB (about 14 s on the quiet 2-core build machine, 25 s
   * loaded); {@code -Dsluice.tunnel.slowReaderMiB=N} moves N MiB instead.
   */
  @Test
  void aLargeUploadIntoASlowReaderStaysUnderTheWindows() throws Exception {
    long upload = Long.getLong("sluice.tunnel.slowReaderMiB", 1024) << 20;
    try (Loopback loopback = new Loopback();
        Started started =
            Started.start(TunnelServer.builder().window(WINDOW).tunnelWindow(TUNNEL_WINDOW));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(WINDOW)
                .tunnelWindow(TUNNEL_WINDOW)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      AtomicLong received = new AtomicLong();
      int sink = loopback.sinkServer(CompletableFuture.completedFuture(null), received, 2048);
      Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + sink);
      assertThat(connect.status()).isEqualTo(200);
      long start = System.nanoTime();
      CompletableFuture<Void> sent = loopback.send(connect.socket(), upload);
      sent.get(110, TimeUnit.SECONDS);
      assertThat(Loopback.awaitAtLeast(received, upload, Duration.ofSeconds(110))).isTrue();
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(received.get()).isEqualTo(upload);

      ServerLink link = server.links().get(0);
      AgentLink agentLink = agent.currentLink();
      long agentMax = agentLink.bufferedBytes()[1];
      long outboxMax = link.outbox.stats().maxQueuedBytes();
      System.out.printf(
          "memory, slow reader: %d MiB in %d ms (%.0f MiB/s); agent buffered at most %d KiB"
              + " (window %d KiB), server outbox at most %d KiB (tunnel window %d KiB); %d credit"
              + " waits%n",
          upload >> 20,
          millis,
          (upload >> 20) * 1000.0 / Math.max(1, millis),
          agentMax >> 10,
          WINDOW >> 10,
          outboxMax >> 10,
          TUNNEL_WINDOW >> 10,
          link.creditWaits());
      // The reader was the bottleneck: the sender kept running out of credit.
      assertThat(link.creditWaits()).isGreaterThan(100);
      // What the tunnel holds for the connection: the agent's queue is bounded by the window, the
      // server's outbox by the credit it had (the tunnel window). No constant on top: the counters
      // count DATA payload bytes, which credit bounds exactly.
      assertThat(agentMax).isLessThanOrEqualTo(WINDOW);
      assertThat(outboxMax).isLessThanOrEqualTo(TUNNEL_WINDOW);
      assertThat(agentLink.bufferedBytes()[0]).isZero();
    }
  }

  @Test
  void withoutCreditTheAgentBuffersFarMore() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(0));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(0)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      AtomicLong received = new AtomicLong();
      int sink = loopback.sinkServer(new CompletableFuture<>(), received);
      for (int i = 0; i < CONNECTIONS; i++) {
        Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + sink);
        assertThat(connect.status()).isEqualTo(200);
        loopback.send(connect.socket(), UPLOAD);
      }
      AgentLink agentLink = agent.currentLink();
      // A connection's full queue (150 packets) stops the agent's receive loop.
      agentLink.stalled.get(30, TimeUnit.SECONDS);
      long buffered = agentLink.bufferedBytes()[1];
      System.out.printf("memory without credit: agent buffered %d KiB%n", buffered >> 10);
      assertThat(buffered).isGreaterThan(CONNECTIONS * WINDOW);
    }
  }
}
