package dev.sluice.tunnel;

import dev.sluice.credit.ReceiveWindow;
import dev.sluice.flow.Scheduler;
import dev.sluice.tunnel.proto.Packet;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One agent tunnel seen from either end: the gRPC stream on which every proxied connection ({@link
 * Pipe}) is multiplexed, identified by its {@code connectID}.
 *
 * <p><b>The receive loop never blocks.</b> gRPC delivers packets one at a time ({@link #onPacket});
 * each is handled without blocking and the next is requested. DATA goes into its connection's
 * queue, drained by that connection's own writer. Only a connection without credit (its peer does
 * not speak the window extension) can hold the loop: when its queue is full the next packet is
 * requested once its writer made room, as upstream konnectivity blocks on a full channel.
 *
 * <p><b>Credit.</b> Bytes a connection receives are counted by a {@link ReceiveWindow} whose stream
 * window is this end's advertised window; its stream credit returns when the writer wrote the bytes
 * to the socket, and goes back to the peer as WINDOW_UPDATE. Bytes a connection sends take credit
 * from the connection's own {@code SendWindow} (see {@link Pipe}). The tunnel-wide window is not
 * negotiated: the HTTP/2 stream under the tunnel bounds it.
 *
 * <p>Thread-safe. Outgoing packets are serialized by one lock around the stream observer.
 */
abstract class Link implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(Link.class.getName());

  /** The tunnel-wide limits, not negotiated: effectively none. */
  static final long UNLIMITED = Long.MAX_VALUE / 4;

  final Executor executor;
  final long window;
  final int maxQueuedPackets;
  final ReceiveWindow receiveWindow;
  final ConcurrentMap<Long, Pipe> pipes = new ConcurrentHashMap<>();
  private final Object sendLock = new Object();
  private volatile StreamObserver<Packet> out;
  private volatile IntConsumer requester = n -> {};
  private volatile boolean closed;
  private final AtomicBoolean shutDown = new AtomicBoolean();

  /** Completes the first time a credit-less connection's full queue stops the receive loop. */
  final CompletableFuture<Void> stalled = new CompletableFuture<>();

  /**
   * @param window this end's receive window per connection in bytes; 0 turns the extension off
   * @param maxQueuedPackets the queue bound of a connection without credit
   */
  Link(Executor executor, Scheduler scheduler, long window, int maxQueuedPackets) {
    this.executor = executor;
    this.window = window;
    this.maxQueuedPackets = maxQueuedPackets;
    this.receiveWindow =
        ReceiveWindow.builder(scheduler, limit -> {})
            .connectionWindow(UNLIMITED)
            .streamWindow(Math.max(1, window))
            .build();
  }

  /** Attaches the outgoing stream and the inbound demand of the gRPC call. */
  final void attach(StreamObserver<Packet> out, IntConsumer requester) {
    this.out = out;
    this.requester = requester;
  }

  /** Sends one packet; dropped once the tunnel is closed. */
  final void send(Packet packet) {
    synchronized (sendLock) {
      if (closed) {
        return;
      }
      try {
        out.onNext(packet);
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "send failed; closing the tunnel", e);
        closed = true;
      }
    }
  }

  /** Asks gRPC for the next packet. */
  final void requestNext() {
    requester.accept(1);
  }

  /** One packet from the peer, in order. Requests the next unless a credit-less queue is full. */
  final void onPacket(Packet packet) {
    boolean more = true;
    try {
      switch (packet.getType()) {
        case DATA -> {
          Pipe pipe = pipes.get(packet.getData().getConnectID());
          if (pipe != null) {
            more = pipe.deliver(packet.getData().getData());
          }
        }
        case WINDOW_UPDATE -> {
          Pipe pipe = pipes.get(packet.getWindowUpdate().getConnectID());
          if (pipe != null) {
            pipe.peerRaisedLimit(packet.getWindowUpdate().getLimit());
          }
        }
        default -> handle(packet);
      }
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "packet " + packet.getType() + " failed", e);
    }
    if (more) {
      requestNext();
    } else {
      stalled.complete(null);
    }
  }

  /** The side-specific packets: dials and closes. */
  abstract void handle(Packet packet);

  /** Whether a connection whose peer advertised {@code peerWindow} uses credit. */
  final boolean creditFor(long peerWindow) {
    return window > 0 && peerWindow > 0;
  }

  final boolean isClosed() {
    return closed || shutDown.get();
  }

  /** The stream ended or failed: every connection on it ends at once. Idempotent. */
  @Override
  public void close() {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    synchronized (sendLock) {
      closed = true;
    }
    List<Pipe> all = new ArrayList<>(pipes.values());
    for (Pipe pipe : all) {
      pipe.abort("tunnel closed");
    }
    receiveWindow.close();
    onClosed();
  }

  /** Ends the outgoing stream; called once, after {@link #close}. */
  final void completeOutbound() {
    StreamObserver<Packet> stream = out;
    if (stream == null) {
      return;
    }
    try {
      stream.onCompleted();
    } catch (RuntimeException e) {
      logger.log(Level.FINE, "completing the stream failed", e);
    }
  }

  /** Side-specific cleanup after {@link #close}. */
  void onClosed() {}
}
