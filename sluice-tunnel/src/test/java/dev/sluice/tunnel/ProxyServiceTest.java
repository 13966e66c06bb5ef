package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.sluice.tunnel.proto.DialRequest;
import dev.sluice.tunnel.proto.Packet;
import dev.sluice.tunnel.proto.PacketType;
import dev.sluice.tunnel.proto.ProxyServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gRPC frontend, as konnectivity-client uses it: one stream per dialed connection. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProxyServiceTest {

  private final Loopback loopback = new Loopback();
  private TunnelServer server;
  private TunnelAgent agent;

  @BeforeEach
  void start() throws Exception {
    server = TunnelServer.builder().build().start();
    agent = TunnelAgent.builder("127.0.0.1", server.agentPort()).build().start();
    assertThat(server.awaitAgents(1, Duration.ofSeconds(10))).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    agent.close();
    server.closeAsync(); // not joined: the next test binds a new port
    loopback.close();
  }

  private static final class Client implements StreamObserver<Packet> {
    final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> completed = new CompletableFuture<>();
    StreamObserver<Packet> out;

    Packet next() throws InterruptedException {
      Packet packet = received.poll(10, TimeUnit.SECONDS);
      assertThat(packet).as("a packet within 10 s").isNotNull();
      return packet;
    }

    @Override
    public void onNext(Packet packet) {
      received.add(packet);
    }

    @Override
    public void onError(Throwable t) {
      completed.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      completed.complete(null);
    }
  }

  private Client open() {
    Client client = new Client();
    client.out =
        GrpcClients.builder("http://127.0.0.1:" + server.agentPort())
            .responseTimeout(Duration.ZERO)
            .build(ProxyServiceGrpc.ProxyServiceStub.class)
            .proxy(client);
    return client;
  }

  private static Packet dial(String address, long random) {
    return Packet.newBuilder()
        .setType(PacketType.DIAL_REQ)
        .setDialRequest(
            DialRequest.newBuilder().setProtocol("tcp").setAddress(address).setRandom(random))
        .build();
  }

  @Test
  void singleUseTunnelRelaysBothWaysAndCloses() throws Exception {
    int echo = loopback.echoServer();
    Client client = open();
    client.out.onNext(dial("127.0.0.1:" + echo, 42));
    Packet response = client.next();
    assertThat(response.getType()).isEqualTo(PacketType.DIAL_RSP);
    assertThat(response.getDialResponse().getRandom()).isEqualTo(42);
    assertThat(response.getDialResponse().getError()).isEmpty();
    long id = response.getDialResponse().getConnectID();

    byte[] sent = new byte[640 * 1024];
    for (int i = 0; i < sent.length; i++) {
      sent[i] = (byte) (i * 13);
    }
    for (int off = 0; off < sent.length; off += 16 * 1024) {
      client.out.onNext(Packets.data(id, ByteString.copyFrom(sent, off, 16 * 1024)));
    }
    ByteArrayOutputStream back = new ByteArrayOutputStream();
    while (back.size() < sent.length) {
      Packet data = client.next();
      assertThat(data.getType()).isEqualTo(PacketType.DATA);
      assertThat(data.getData().getConnectID()).isEqualTo(id);
      data.getData().getData().writeTo(back);
    }
    assertThat(back.toByteArray()).isEqualTo(sent);

    client.out.onNext(Packets.closeRequest(id));
    Packet close = client.next();
    assertThat(close.getType()).isEqualTo(PacketType.CLOSE_RSP);
    assertThat(close.getCloseResponse().getConnectID()).isEqualTo(id);
    assertThat(client.completed).succeedsWithin(Duration.ofSeconds(10));
  }

  @Test
  void refusedDialAnswersTheErrorAndEndsTheStream() throws Exception {
    int port = Loopback.closedPort();
    Client client = open();
    client.out.onNext(dial("127.0.0.1:" + port, 7));
    Packet response = client.next();
    assertThat(response.getDialResponse().getRandom()).isEqualTo(7);
    assertThat(response.getDialResponse().getError()).contains("refused");
    assertThat(client.completed).succeedsWithin(Duration.ofSeconds(10));
  }
}
