package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.grpc.GrpcClients;
import dev.sluice.tunnel.proto.AgentServiceGrpc;
import dev.sluice.tunnel.proto.Packet;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An agent stream driven by a test: what the server sends is queued, {@link #out} sends. */
final class FakeAgent implements StreamObserver<Packet> {
  final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
  final CompletableFuture<Throwable> ended = new CompletableFuture<>();
  StreamObserver<Packet> out;

  /** Connects to the agent port with {@code agentId} as metadata (none if null). */
  static FakeAgent connect(int agentPort, String agentId) {
    var builder =
        GrpcClients.builder("http://127.0.0.1:" + agentPort).responseTimeout(Duration.ZERO);
    if (agentId != null) {
      builder.addHeader("agentID", agentId);
    }
    FakeAgent agent = new FakeAgent();
    agent.out = builder.build(AgentServiceGrpc.AgentServiceStub.class).connect(agent);
    return agent;
  }

  /** The next packet from the server, within 10 s. */
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
    ended.complete(t);
  }

  @Override
  public void onCompleted() {
    ended.complete(null);
  }
}
