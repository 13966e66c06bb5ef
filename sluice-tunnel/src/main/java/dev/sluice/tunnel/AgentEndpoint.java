package dev.sluice.tunnel;

import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.tunnel.proto.AgentServiceGrpc;
import dev.sluice.tunnel.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code AgentService.Connect}: one long-lived stream per agent, identified by the {@code agentID}
 * metadata; a stream without it is refused with UNAUTHENTICATED. The server answers with the {@code
 * serverID} and {@code serverCount} headers, as konnectivity servers do.
 */
final class AgentEndpoint extends AgentServiceGrpc.AgentServiceImplBase {

  private final String serverId;
  private final Function<String, ServerLink> newLink;
  private final Consumer<ServerLink> register;

  /**
   * @param newLink makes the link of a newly connected agent
   * @param register makes it available to the frontends, once it can send
   */
  AgentEndpoint(
      String serverId, Function<String, ServerLink> newLink, Consumer<ServerLink> register) {
    this.serverId = serverId;
    this.newLink = newLink;
    this.register = register;
  }

  @Override
  public StreamObserver<Packet> connect(StreamObserver<Packet> responseObserver) {
    ServiceRequestContext ctx = ServiceRequestContext.current();
    String agentId = ctx.request().headers().get("agentid");
    if (agentId == null || agentId.isEmpty()) {
      responseObserver.onError(
          Status.UNAUTHENTICATED.withDescription("missing agentID metadata").asRuntimeException());
      return new Discard();
    }
    ctx.addAdditionalResponseHeader("serverid", serverId);
    ctx.addAdditionalResponseHeader("servercount", "1");
    ServerCallStreamObserver<Packet> call = (ServerCallStreamObserver<Packet>) responseObserver;
    call.disableAutoRequest();
    ServerLink link = newLink.apply(agentId);
    call.setOnReadyHandler(link.outbox::drain);
    link.attach(call, call::isReady, call::request, ctx.eventLoop());
    call.setOnCancelHandler(link::close);
    register.accept(link); // only now: a frontend may dial through it at once
    call.request(1);
    return new StreamObserver<>() {
      @Override
      public void onNext(Packet packet) {
        link.onPacket(packet);
      }

      @Override
      public void onError(Throwable t) {
        link.close();
      }

      @Override
      public void onCompleted() {
        link.close();
        link.completeOutbound();
      }
    };
  }

  /** Ignores the packets of a refused stream. */
  private static final class Discard implements StreamObserver<Packet> {
    @Override
    public void onNext(Packet packet) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
