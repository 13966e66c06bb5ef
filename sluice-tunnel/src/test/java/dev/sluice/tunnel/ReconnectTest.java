package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The agent dials back, with backoff, until a server is there, and again after it restarts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReconnectTest {

  @Test
  void agentDialsBackUntilTheServerIsUpAndAfterItRestarts() throws Exception {
    int port = Loopback.closedPort();
    try (Loopback loopback = new Loopback();
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", port)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build()
                .start()) {
      agent.firstEnd.get(10, TimeUnit.SECONDS); // the first dial-in found nobody
      try (TunnelServer server = TunnelServer.builder().agentPort(port).build().start()) {
        assertThat(server.awaitAgents(1, Duration.ofSeconds(20))).isTrue();
        assertThat(agent.connects()).isGreaterThan(1);
        int echo = loopback.echoServer();
        Loopback.Connect connect = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
        assertThat(connect.status()).isEqualTo(200);
        loopback.echo(connect.socket(), 1024);
      }
      // The stream ended with the server: the agent keeps dialing until the next one is up.
      try (TunnelServer again = TunnelServer.builder().agentPort(port).build().start()) {
        assertThat(again.awaitAgents(1, Duration.ofSeconds(20))).isTrue();
        int echo = loopback.echoServer();
        Loopback.Connect connect = loopback.connect(again.connectPort(), "127.0.0.1:" + echo);
        assertThat(connect.status()).isEqualTo(200);
        loopback.echo(connect.socket(), 1024);
      }
    }
  }
}
