package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An agent that dies, or whose tunnel drops, in the middle of transfers: every frontend connection
 * on it ends, the sender waiting for credit is released, the server's counts return to zero, and
 * the agent (restarted, or still running) dials back and carries new connections.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentFailureTest {

  private static final Duration BOUND = Duration.ofSeconds(15);

  private record Transfers(
      Loopback.Connect echoing,
      CompletableFuture<Void> echoFlood,
      Loopback.Connect blocked,
      CompletableFuture<Void> blockedUpload) {}

  /** One connection echoing without end, one whose sender waits for credit. */
  private static Transfers start(Loopback loopback, TunnelServer server) throws Exception {
    int echo = loopback.echoServer();
    int sink = loopback.sinkServer(new CompletableFuture<>(), new AtomicLong());
    Loopback.Connect echoing = loopback.connect(server.connectPort(), "127.0.0.1:" + echo);
    Loopback.Connect blocked = loopback.connect(server.connectPort(), "127.0.0.1:" + sink);
    assertThat(echoing.status()).isEqualTo(200);
    assertThat(blocked.status()).isEqualTo(200);
    loopback.echo(echoing.socket(), 64 * 1024); // relaying before the failure
    CompletableFuture<Void> echoFlood =
        loopback.flood(echoing.socket(), new AtomicLong(), 0, new CompletableFuture<>());
    CompletableFuture<Void> upload = loopback.send(blocked.socket(), 64L * 1024 * 1024);
    assertThat(server.links().get(0).awaitCreditWaits(1, BOUND)).isTrue();
    return new Transfers(echoing, echoFlood, blocked, upload);
  }

  /** Everything on the tunnel ended and nothing is left counted on the server. */
  private static void assertAllEnded(Transfers transfers, ServerLink link) throws Exception {
    assertThat(endOfStream(transfers.echoing.socket().getInputStream())).isTrue();
    assertThat(endOfStream(transfers.blocked.socket().getInputStream())).isTrue();
    assertThat(transfers.echoFlood).failsWithin(BOUND);
    assertThat(transfers.blockedUpload).failsWithin(BOUND);
    link.closedFuture.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(link.awaitNoConnections(BOUND)).isTrue();
    assertThat(link.pendingDials()).isZero();
    assertThat(link.sendWindow.stats().waiting()).as("credit waiters left").isZero();
    assertThat(link.bufferedBytes()[0]).isZero();
    assertThat(link.outbox.stats().queuedBytes()).isZero();
  }

  @Test
  void agentKilledMidTransferEndsEverythingAndARestartedAgentServesAgain() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(64 * 1024))) {
      TunnelServer server = started.server();
      TunnelAgent agent =
          TunnelAgent.builder("127.0.0.1", server.agentPort()).agentId("a").build().start();
      assertThat(server.awaitAgents(1, BOUND)).isTrue();
      ServerLink link = server.links().get(0);
      Transfers transfers = start(loopback, server);

      agent.close(); // killed: its stream is cancelled, its sockets closed
      assertAllEnded(transfers, link);
      assertThat(server.awaitNoAgents(BOUND)).isTrue();

      try (TunnelAgent restarted =
          TunnelAgent.builder("127.0.0.1", server.agentPort()).agentId("a").build().start()) {
        assertThat(server.awaitAgents(1, BOUND)).isTrue();
        assertThat(restarted.connects()).isEqualTo(1);
        Loopback.Connect again =
            loopback.connect(server.connectPort(), "127.0.0.1:" + loopback.echoServer());
        assertThat(again.status()).isEqualTo(200);
        loopback.echo(again.socket(), 64 * 1024);
      }
    }
  }

  @Test
  void droppedTunnelEndsItsConnectionsAndTheAgentDialsBack() throws Exception {
    try (Loopback loopback = new Loopback();
        Started started = Started.start(TunnelServer.builder().window(64 * 1024));
        TunnelAgent agent =
            TunnelAgent.builder("127.0.0.1", started.server().agentPort())
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .build()
                .start()) {
      TunnelServer server = started.server();
      assertThat(server.awaitAgents(1, BOUND)).isTrue();
      ServerLink link = server.links().get(0);
      AgentLink agentSide = agent.currentLink();
      Transfers transfers = start(loopback, server);

      agent.dropTunnel(); // as a network failure would
      assertAllEnded(transfers, link);
      agentSide.closedFuture.get(BOUND.toSeconds(), TimeUnit.SECONDS);
      assertThat(agentSide.awaitNoConnections(BOUND)).isTrue();
      assertThat(agentSide.sendWindow.stats().waiting()).isZero();

      // The old tunnel is unregistered (closedFuture completes after that); the agent dials back.
      assertThat(server.awaitAgents(1, BOUND)).isTrue();
      assertThat(server.links()).doesNotContain(link);
      assertThat(agent.connects()).isEqualTo(2);
      Loopback.Connect again =
          loopback.connect(server.connectPort(), "127.0.0.1:" + loopback.echoServer());
      assertThat(again.status()).isEqualTo(200);
      loopback.echo(again.socket(), 64 * 1024);
    }
  }

  /** Reads until the stream ends or fails. */
  private static boolean endOfStream(InputStream in) {
    byte[] buffer = new byte[64 * 1024];
    try {
      while (in.read(buffer) >= 0) {
        // drain echoed bytes
      }
      return true;
    } catch (IOException e) {
      return true; // reset: ended too
    }
  }
}
