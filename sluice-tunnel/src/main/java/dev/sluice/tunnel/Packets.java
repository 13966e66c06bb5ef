package dev.sluice.tunnel;

import com.google.protobuf.ByteString;
import dev.sluice.tunnel.proto.CloseDial;
import dev.sluice.tunnel.proto.CloseRequest;
import dev.sluice.tunnel.proto.CloseResponse;
import dev.sluice.tunnel.proto.Data;
import dev.sluice.tunnel.proto.DialRequest;
import dev.sluice.tunnel.proto.DialResponse;
import dev.sluice.tunnel.proto.Drain;
import dev.sluice.tunnel.proto.Packet;
import dev.sluice.tunnel.proto.PacketType;
import dev.sluice.tunnel.proto.WindowUpdate;

/** Builds the packets of the konnectivity protocol and Sluice's window extension. */
final class Packets {

  private Packets() {}

  static Packet dialRequest(String address, long random, long window, long tunnelWindow) {
    return Packet.newBuilder()
        .setType(PacketType.DIAL_REQ)
        .setDialRequest(
            DialRequest.newBuilder()
                .setProtocol("tcp")
                .setAddress(address)
                .setRandom(random)
                .setWindow(window)
                .setTunnelWindow(tunnelWindow))
        .build();
  }

  static Packet dialResponse(long random, long connectId, long window, long tunnelWindow) {
    return Packet.newBuilder()
        .setType(PacketType.DIAL_RSP)
        .setDialResponse(
            DialResponse.newBuilder()
                .setRandom(random)
                .setConnectID(connectId)
                .setWindow(window)
                .setTunnelWindow(tunnelWindow))
        .build();
  }

  static Packet dialFailed(long random, String error) {
    return Packet.newBuilder()
        .setType(PacketType.DIAL_RSP)
        .setDialResponse(DialResponse.newBuilder().setRandom(random).setError(error))
        .build();
  }

  static Packet closeDial(long random) {
    return Packet.newBuilder()
        .setType(PacketType.DIAL_CLS)
        .setCloseDial(CloseDial.newBuilder().setRandom(random))
        .build();
  }

  static Packet data(long connectId, ByteString bytes) {
    return Packet.newBuilder()
        .setType(PacketType.DATA)
        .setData(Data.newBuilder().setConnectID(connectId).setData(bytes))
        .build();
  }

  static Packet closeRequest(long connectId) {
    return Packet.newBuilder()
        .setType(PacketType.CLOSE_REQ)
        .setCloseRequest(CloseRequest.newBuilder().setConnectID(connectId))
        .build();
  }

  static Packet closeResponse(long connectId, String error) {
    return Packet.newBuilder()
        .setType(PacketType.CLOSE_RSP)
        .setCloseResponse(CloseResponse.newBuilder().setConnectID(connectId).setError(error))
        .build();
  }

  static Packet drain() {
    return Packet.newBuilder()
        .setType(PacketType.DRAIN)
        .setDrain(Drain.getDefaultInstance())
        .build();
  }

  static Packet windowUpdate(long connectId, long limit) {
    return Packet.newBuilder()
        .setType(PacketType.WINDOW_UPDATE)
        .setWindowUpdate(WindowUpdate.newBuilder().setConnectID(connectId).setLimit(limit))
        .build();
  }
}
