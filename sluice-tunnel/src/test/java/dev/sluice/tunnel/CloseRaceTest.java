package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.tunnel.proto.Packet;
import dev.sluice.tunnel.proto.PacketType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closes that race with dials, credit waits and each other, driven by a hand-made agent on the
 * wire: each connection ends once, no credit waiter is left behind, and duplicate or late packets
 * are counted and ignored while the tunnel keeps working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CloseRaceTest {

  private final Loopback loopback = new Loopback();
  private final TunnelServer server = TunnelServer.builder().window(65536).build().start();

  @AfterEach
  void stop() throws Exception {
    server.closeAsync(); // not joined: the next test binds a new port
    loopback.close();
  }

  private CompletableFuture<Loopback.Connect> connect(String target) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return loopback.connect(server.connectPort(), target);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Dials through {@code agent}, which answers with {@code connectId} and an 8-byte window. */
  private Loopback.Connect dial(FakeAgent agent, long connectId) throws Exception {
    CompletableFuture<Loopback.Connect> connect = connect("127.0.0.1:9");
    Packet dial = agent.next();
    assertThat(dial.getType()).isEqualTo(PacketType.DIAL_REQ);
    agent.out.onNext(Packets.dialResponse(dial.getDialRequest().getRandom(), connectId, 8, 0));
    Loopback.Connect client = connect.get(10, TimeUnit.SECONDS);
    assertThat(client.status()).isEqualTo(200);
    return client;
  }

  private ServerLink link() {
    return server.links().get(0);
  }

  @Test
  void clientClosedDuringTheDial() throws Exception {
    FakeAgent agent = FakeAgent.connect(server.agentPort(), "fake");
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
    CompletableFuture<Loopback.Connect> connect = connect("127.0.0.1:9");
    Packet dial = agent.next();
    // The client gives up while the agent is still dialing; its answer arrives after.
    loopback.close();
    agent.out.onNext(Packets.dialResponse(dial.getDialRequest().getRandom(), 5, 8, 0));

    // The server finds the client gone and ends the connection once, toward the agent too.
    Packet close = agent.next();
    assertThat(close.getType()).isEqualTo(PacketType.CLOSE_REQ);
    assertThat(close.getCloseRequest().getConnectID()).isEqualTo(5);
    agent.out.onNext(Packets.closeResponse(5, ""));
    assertThat(link().awaitNoConnections(Duration.ofSeconds(10))).isTrue();
    assertThat(link().pendingDials()).isZero();
    assertThat(connect).failsWithin(Duration.ofSeconds(10)); // its socket was closed under it
  }

  @Test
  void closeWhileWaitingForCreditFailsTheWaitAtOnce() throws Exception {
    FakeAgent agent = FakeAgent.connect(server.agentPort(), "fake");
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
    Loopback.Connect client = dial(agent, 1);
    client.socket().getOutputStream().write(new byte[20]);
    assertThat(agent.next().getData().getData().size()).isEqualTo(8);
    assertThat(link().awaitCreditWaits(1, Duration.ofSeconds(10))).isTrue();

    // The destination ended while the client's sender waits for credit that will never come.
    agent.out.onNext(Packets.closeResponse(1, ""));
    assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
    assertThat(link().awaitNoConnections(Duration.ofSeconds(10))).isTrue();
    assertThat(link().sendWindow.stats().waiting()).isZero();
  }

  @Test
  void duplicateClosesAndLateOrStaleUpdatesAreIgnored() throws Exception {
    FakeAgent agent = FakeAgent.connect(server.agentPort(), "fake");
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
    Loopback.Connect first = dial(agent, 1);
    agent.out.onNext(Packets.closeResponse(1, ""));
    agent.out.onNext(Packets.closeResponse(1, "")); // duplicate
    assertThat(first.socket().getInputStream().read()).isEqualTo(-1);
    assertThat(link().awaitNoConnections(Duration.ofSeconds(10))).isTrue();
    agent.out.onNext(Packets.windowUpdate(1, 1 << 20)); // late: its connection is gone
    agent.out.onNext(Packets.closeResponse(1, "")); // and again

    // The tunnel still works, and a stale update on a live connection changes nothing.
    Loopback.Connect second = dial(agent, 2);
    agent.out.onNext(Packets.windowUpdate(2, 8)); // the limit it already has
    agent.out.onNext(Packets.windowUpdate(2, 4)); // lower: reordered
    agent.out.onNext(Packets.windowUpdate(2, 16));
    second.socket().getOutputStream().write(new byte[20]);
    int sent = 0;
    while (sent < 16) {
      Packet data = agent.next();
      assertThat(data.getType()).isEqualTo(PacketType.DATA);
      sent += data.getData().getData().size();
    }
    assertThat(sent).isEqualTo(16);
    assertThat(link().lateUpdates.get()).isEqualTo(1);
    assertThat(link().sendWindow.stats().staleUpdates()).isGreaterThanOrEqualTo(2);
  }
}
