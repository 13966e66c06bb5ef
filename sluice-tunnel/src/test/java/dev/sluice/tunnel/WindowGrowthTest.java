package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Window auto-tuning end to end ({@code maxWindow}): an upload with a small initial window through
 * a tunnel whose destination keeps up arrives whole, its window grows but never past the cap, and
 * the agent never buffers more than the cap. Whether and how far it grows depends on the machine's
 * timing, so it is printed, not asserted; {@code WindowTuningTest} in sluice-core checks the rule
 * itself deterministically.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WindowGrowthTest {

  private static final long WINDOW = 16 * 1024;
  private static final long MAX_WINDOW = 1024 * 1024;
  private static final long UPLOAD = 24L * 1024 * 1024;

  @Test
  void aGrowingWindowStaysUnderItsCapAndCarriesEveryByte() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started =
            Started.start(TunnelServer.builder().window(WINDOW).maxWindow(MAX_WINDOW));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(WINDOW)
                .maxWindow(MAX_WINDOW)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      AtomicLong received = new AtomicLong();
      int sink = loopback.sinkServer(CompletableFuture.completedFuture(null), received);
      Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + sink);
      assertThat(connect.status()).isEqualTo(200);
      loopback.send(connect.socket(), UPLOAD).get(30, TimeUnit.SECONDS);
      assertThat(Loopback.awaitAtLeast(received, UPLOAD, Duration.ofSeconds(30))).isTrue();
      assertThat(received.get()).isEqualTo(UPLOAD);

      AgentLink link = agent.currentLink();
      System.out.printf(
          "window growth: %d KiB initial window reached %d KiB (cap %d KiB); agent buffered at"
              + " most %d KiB%n",
          WINDOW >> 10,
          link.largestWindow() >> 10,
          MAX_WINDOW >> 10,
          link.bufferedBytes()[1] >> 10);
      assertThat(link.largestWindow()).isBetween(WINDOW, MAX_WINDOW);
      assertThat(link.bufferedBytes()[1]).isLessThanOrEqualTo(MAX_WINDOW);
      assertThat(link.receiveWindow.violations()).isZero();
    }
  }
}
