package dev.sluice.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sluice.tunnel.proto.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outbox's order, on a sink the test makes ready or not. */
class OutboxTest {

  /** A sink that takes packets only while the test says it is ready. */
  private static final class Wire implements Outbox.Sink {
    final List<Packet> sent = new ArrayList<>();
    boolean ready;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void send(Packet packet) {
      sent.add(packet);
    }

    List<Long> connectIds() {
      List<Long> ids = new ArrayList<>();
      for (Packet packet : sent) {
        ids.add(
            switch (packet.getType()) {
              case DATA -> packet.getData().getConnectID();
              case CLOSE_REQ -> packet.getCloseRequest().getConnectID();
              default -> -1L;
            });
      }
      return ids;
    }
  }

  private static void data(Outbox.Lane lane, long connectId, int bytes) {
    lane.offer(Packets.data(connectId, ByteString.copyFrom(new byte[bytes])), bytes);
  }

  @Test
  void anInteractivePacketWaitsBehindOneQuantumOfABulkConnection() {
    Wire wire = new Wire();
    Outbox outbox = new Outbox(wire, true);
    Outbox.Lane bulk = outbox.lane();
    Outbox.Lane interactive = outbox.lane();
    for (int i = 0; i < 100; i++) {
      data(bulk, 1, Outbox.QUANTUM);
    }
    data(interactive, 2, 64);

    wire.ready = true;
    outbox.drain();

    assertThat(wire.connectIds().subList(0, 3)).containsExactly(1L, 2L, 1L);
    assertThat(wire.sent).hasSize(101);
    assertThat(interactive.maxWaitedBehind()).isEqualTo(Outbox.QUANTUM);
    assertThat(bulk.maxWaitedBehind()).isEqualTo(100L * Outbox.QUANTUM - Outbox.QUANTUM + 64);
  }

  @Test
  void inArrivalOrderTheInteractivePacketWaitsBehindEverything() {
    Wire wire = new Wire();
    Outbox outbox = new Outbox(wire, false);
    Outbox.Lane bulk = outbox.lane();
    Outbox.Lane interactive = outbox.lane();
    for (int i = 0; i < 100; i++) {
      data(bulk, 1, Outbox.QUANTUM);
    }
    data(interactive, 2, 64);

    wire.ready = true;
    outbox.drain();

    assertThat(wire.connectIds().get(100)).isEqualTo(2L);
    assertThat(interactive.maxWaitedBehind()).isEqualTo(100L * Outbox.QUANTUM);
  }

  @Test
  void bytesNotPacketsAreShared() {
    Wire wire = new Wire();
    Outbox outbox = new Outbox(wire, true);
    Outbox.Lane small = outbox.lane();
    Outbox.Lane large = outbox.lane();
    for (int i = 0; i < 64; i++) {
      data(small, 1, Outbox.QUANTUM / 8);
    }
    for (int i = 0; i < 8; i++) {
      data(large, 2, Outbox.QUANTUM);
    }

    wire.ready = true;
    outbox.drain();

    // Per round: eight small packets, then one large one (a quantum each).
    List<Long> ids = wire.connectIds();
    assertThat(ids.subList(0, 9)).containsExactly(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 2L);
    assertThat(ids.subList(9, 18)).containsExactly(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 2L);
  }

  @Test
  void controlGoesFirstAndAConnectionsCloseFollowsItsData() {
    Wire wire = new Wire();
    Outbox outbox = new Outbox(wire, true);
    Outbox.Lane lane = outbox.lane();
    data(lane, 1, 100);
    lane.offer(Packets.closeRequest(1), 0);
    outbox.control(Packets.windowUpdate(3, 1000));

    wire.ready = true;
    outbox.drain();

    assertThat(wire.connectIds()).containsExactly(-1L, 1L, 1L);
    assertThat(wire.sent.get(2).getType().name()).isEqualTo("CLOSE_REQ");
    assertThat(outbox.stats().controlPacketsSent()).isEqualTo(2);
    assertThat(outbox.stats().dataBytesSent()).isEqualTo(100);
  }

  @Test
  void nothingLeavesWhileTheStreamIsNotReadyAndClosingDropsTheQueue() throws Exception {
    Wire wire = new Wire();
    Outbox outbox = new Outbox(wire, true);
    Outbox.Lane lane = outbox.lane();
    data(lane, 1, 1000);
    data(lane, 1, 1000);
    assertThat(wire.sent).isEmpty();
    assertThat(outbox.stats().queuedBytes()).isEqualTo(2000);
    assertThat(outbox.stats().maxQueuedBytes()).isEqualTo(2000);

    outbox.close();
    assertThat(lane.awaitRoom(0)).isFalse(); // a waiting writer is released, not left hanging
    wire.ready = true;
    outbox.drain();
    data(lane, 1, 1000);
    assertThat(wire.sent).isEmpty();
    assertThat(outbox.stats().queuedBytes()).isZero();
  }

  @Test
  void awaitRoomReturnsOnceTheLaneDrainedOrWasCancelled() throws Exception {
    Wire wire = new Wire();
    Outbox outbox = new Outbox(wire, true);
    Outbox.Lane lane = outbox.lane();
    data(lane, 1, 1000);
    assertThat(lane.awaitRoom(1000)).isTrue();
    wire.ready = true;
    outbox.drain();
    assertThat(lane.awaitRoom(0)).isTrue();
    lane.cancel();
    assertThat(lane.awaitRoom(0)).isFalse();
  }
}
