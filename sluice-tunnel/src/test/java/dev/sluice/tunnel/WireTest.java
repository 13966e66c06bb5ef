package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.tunnel.proto.Packet;
import dev.sluice.tunnel.proto.PacketType;
import io.grpc.Status;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's packets as a hand-driven agent sees them on the wire. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WireTest {

  private final Loopback loopback = new Loopback();
  private final TunnelServer server =
      TunnelServer.builder().window(65536).dialTimeout(Duration.ofMillis(300)).build().start();

  @AfterEach
  void stop() throws Exception {
    server.closeAsync(); // not joined: the next test binds a new port
    loopback.close();
  }

  private FakeAgent fakeAgent(String agentId) {
    return FakeAgent.connect(server.agentPort(), agentId);
  }

  @Test
  void unansweredDialIs504AndTheServerCancelsIt() throws Exception {
    FakeAgent agent = fakeAgent("fake");
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();

    CompletableFuture<Loopback.Connect> connect =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return loopback.connect(server.connectPort(), "10.255.255.1:443");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Packet dial = agent.next();
    assertThat(dial.getType()).isEqualTo(PacketType.DIAL_REQ);
    assertThat(dial.getDialRequest().getProtocol()).isEqualTo("tcp");
    assertThat(dial.getDialRequest().getAddress()).isEqualTo("10.255.255.1:443");
    assertThat(dial.getDialRequest().getWindow()).isEqualTo(65536);

    Loopback.Connect response = connect.get(10, TimeUnit.SECONDS);
    assertThat(response.status()).isEqualTo(504);
    assertThat(response.body()).contains("no answer within 300 ms");
    Packet cancel = agent.next();
    assertThat(cancel.getType()).isEqualTo(PacketType.DIAL_CLS);
    assertThat(cancel.getCloseDial().getRandom()).isEqualTo(dial.getDialRequest().getRandom());

    // Answered too late: the server closes the connection it no longer wants.
    agent.out.onNext(Packets.dialResponse(dial.getDialRequest().getRandom(), 7, 0, 0));
    Packet close = agent.next();
    assertThat(close.getType()).isEqualTo(PacketType.CLOSE_REQ);
    assertThat(close.getCloseRequest().getConnectID()).isEqualTo(7);
  }

  @Test
  void creditIsEnforcedAndReturnedAsWindowUpdates() throws Exception {
    FakeAgent agent = fakeAgent("fake");
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
    CompletableFuture<Loopback.Connect> connect =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return loopback.connect(server.connectPort(), "127.0.0.1:9");
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    Packet dial = agent.next();
    // The agent advertises a window of 8 bytes for the server's sends.
    agent.out.onNext(Packets.dialResponse(dial.getDialRequest().getRandom(), 1, 8, 0));
    Loopback.Connect client = connect.get(10, TimeUnit.SECONDS);
    assertThat(client.status()).isEqualTo(200);

    // Server -> agent: 20 bytes from the client go out 8 at a time, as credit allows.
    client.socket().getOutputStream().write(new byte[20]);
    Packet first = agent.next();
    assertThat(first.getData().getData().size()).isEqualTo(8);
    assertThat(agent.received.poll(200, TimeUnit.MILLISECONDS))
        .as("nothing past the limit")
        .isNull();
    agent.out.onNext(Packets.windowUpdate(1, 20));
    int more = 0;
    while (more < 12) {
      more += agent.next().getData().getData().size();
    }
    assertThat(more).isEqualTo(12);

    // Agent -> server: the client reads what the agent sends, and credit comes back as a limit.
    agent.out.onNext(Packets.data(1, ByteString.copyFrom(new byte[40 * 1024])));
    assertThat(client.socket().getInputStream().readNBytes(40 * 1024)).hasSize(40 * 1024);
    Packet update = agent.next();
    assertThat(update.getType()).isEqualTo(PacketType.WINDOW_UPDATE);
    assertThat(update.getWindowUpdate().getConnectID()).isEqualTo(1);
    assertThat(update.getWindowUpdate().getLimit()).isEqualTo(40 * 1024 + 65536);

    // Past the limit: the server drops the connection and tells the agent.
    agent.out.onNext(Packets.data(1, ByteString.copyFrom(new byte[200 * 1024])));
    Packet close = agent.next();
    assertThat(close.getType()).isEqualTo(PacketType.CLOSE_REQ);
    assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
  }

  @Test
  void aStreamWithoutAgentIdIsRefused() throws Exception {
    FakeAgent agent = fakeAgent(null);
    Throwable error = agent.ended.get(10, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable(error).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(server.agentCount()).isZero();
  }
}
