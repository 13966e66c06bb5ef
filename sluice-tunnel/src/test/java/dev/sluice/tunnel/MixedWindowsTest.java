package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Version skew: an end that does not advertise a window (an upstream peer, or window 0) gets no
 * credit limit in either direction, not a stall; both advertising gives credit. Small windows make
 * a transfer of many windows depend on WINDOW_UPDATEs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MixedWindowsTest {

  @ParameterizedTest(name = "server window {0}, agent window {1}")
  @CsvSource({"0, 65536", "65536, 0", "0, 0", "16384, 8192"})
  void transfersCompleteWhateverTheWindows(long serverWindow, long agentWindow) throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(serverWindow));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(agentWindow)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      int echo = loopback.echoServer();
      Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
      assertThat(connect.status()).isEqualTo(200);
      loopback.echo(connect.socket(), 2 * 1024 * 1024 + 5);
      assertThat(agent.connects()).isEqualTo(1);
    }
  }

  @Test
  void creditIsUsedOnlyWhenBothEndsAdvertise() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(0));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .window(65536)
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
      int echo = loopback.echoServer();
      Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
      assertThat(connect.status()).isEqualTo(200);
      loopback.echo(connect.socket(), 1024);
      assertThat(agent.currentLink().pipes.values())
          .singleElement()
          .satisfies(pipe -> assertThat(pipe.hasCredit()).isFalse());
    }
  }
}
