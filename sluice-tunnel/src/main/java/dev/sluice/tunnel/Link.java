package dev.sluice.tunnel;

import dev.sluice.credit.ReceiveWindow;
import dev.sluice.credit.SendWindow;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.tunnel.proto.Packet;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

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
 * <p><b>Sending.</b> Packets go out through an {@link Outbox}: control first, then the connections
 * by deficit round-robin by bytes, only while the stream is ready.
 *
 * <p><b>Credit, two levels</b> (HTTP/2's stream and connection windows). Bytes a connection
 * receives are counted by a {@link ReceiveWindow}: its stream window is this end's advertised
 * window and returns when the writer wrote the bytes to the socket; its connection window is the
 * tunnel-wide window and returns as bytes arrive; both go back to the peer as WINDOW_UPDATE (the
 * tunnel's with {@code connectID} 0). Bytes a connection sends take credit from its stream of the
 * tunnel's {@link SendWindow} (see {@link Pipe}). What a tunnel holds is therefore bounded by its
 * windows: at most {@code maxConnections} times the window queued for sockets, and the bytes
 * waiting in the outbox are bounded by the same credit.
 *
 * <p>Thread-safe.
 */
abstract class Link implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(Link.class.getName());

  /** The limit of a window the peer does not enforce: effectively none. */
  static final long UNLIMITED = Long.MAX_VALUE / 4;

  final Executor executor;
  final long window;
  final long tunnelWindow;
  final int maxQueuedPackets;
  final int maxConnections;
  final ReceiveWindow receiveWindow;
  final SendWindow sendWindow = SendWindow.create(0);
  final Outbox outbox;
  final ConcurrentMap<Long, Pipe> pipes = new ConcurrentHashMap<>();
  private final AtomicBoolean peerTunnelWindowKnown = new AtomicBoolean();
  private final AtomicLong buffered = new AtomicLong();
  private final AtomicLong maxBuffered = new AtomicLong();
  private final AtomicLong largestWindow = new AtomicLong();
  private volatile @Nullable StreamObserver<Packet> out;
  private volatile BooleanSupplier ready = () -> false;
  private volatile IntConsumer requester = n -> {};
  private volatile Executor callLoop = Runnable::run;
  private final AtomicBoolean outboundCompleted = new AtomicBoolean();
  private volatile boolean closed;
  private final AtomicBoolean shutDown = new AtomicBoolean();

  /** Guards the credit-wait counters; notified when they or {@link #pipes} change. */
  private final Object creditWaitLock = new Object();

  // Guarded by creditWaitLock.
  private long creditWaits;
  private long creditBlockedNanos;
  final Ticker ticker;

  /** Completes once {@link #close} ended every connection. */
  final CompletableFuture<Void> closedFuture = new CompletableFuture<>();

  /** Completes the first time a credit-less connection's full queue stops the receive loop. */
  final CompletableFuture<Void> stalled = new CompletableFuture<>();

  /**
   * @param settings this end's windows and bounds
   */
  Link(Executor executor, Scheduler scheduler, LinkSettings settings) {
    this.executor = executor;
    this.ticker = settings.ticker();
    this.window = settings.window();
    this.tunnelWindow = settings.tunnelWindow();
    this.maxQueuedPackets = settings.maxQueuedPackets();
    this.maxConnections = settings.maxConnections();
    this.outbox = new Outbox(new StreamSink(), settings.fair());
    ReceiveWindow.Builder receive =
        ReceiveWindow.builder(
                scheduler,
                limit -> {
                  if (tunnelWindow > 0) {
                    send(Packets.windowUpdate(0, limit));
                  }
                })
            .connectionWindow(tunnelWindow > 0 ? tunnelWindow : UNLIMITED)
            .streamWindow(Math.max(1, window))
            .updateRatio(settings.updateRatio());
    if (window > 0 && settings.maxWindow() > window) {
      receive.autoTune(ticker, settings.maxWindow());
    }
    this.receiveWindow = receive.build();
  }

  /**
   * Attaches the outgoing stream, its readiness and the inbound demand of the gRPC call.
   *
   * @param callLoop the call's event loop, where {@link #completeOutbound} ends the stream
   */
  final void attach(
      StreamObserver<Packet> out, BooleanSupplier ready, IntConsumer requester, Executor callLoop) {
    this.out = out;
    this.ready = ready;
    this.requester = requester;
    this.callLoop = callLoop;
    outbox.drain();
  }

  /** Sends one control packet ahead of connection data; dropped once the tunnel is closed. */
  final void send(Packet packet) {
    outbox.control(packet);
  }

  /** Asks gRPC for the next packet, unless the tunnel is closed (its call may be too). */
  final void requestNext() {
    if (isClosed()) {
      return;
    }
    try {
      requester.accept(1);
    } catch (RuntimeException e) {
      logger.log(Level.FINE, "requesting the next packet failed", e);
    }
  }

  /** The peer's tunnel-wide window, from its first dial packet; 0 means none. */
  final void peerTunnelWindow(long bytes) {
    if (peerTunnelWindowKnown.compareAndSet(false, true)) {
      sendWindow.updateLimit(bytes > 0 ? bytes : UNLIMITED);
    }
  }

  /** Counts bytes queued for (positive) or written to (negative) the local sockets. */
  final void buffered(long delta) {
    long now = buffered.addAndGet(delta);
    maxBuffered.accumulateAndGet(now, Math::max);
  }

  /** A connection's receive window is {@code bytes} now (auto-tuning may have grown it). */
  final void windowReached(long bytes) {
    if (bytes > largestWindow.get()) {
      largestWindow.accumulateAndGet(bytes, Math::max);
    }
  }

  /** The largest receive window a connection of this tunnel reached so far. */
  final long largestWindow() {
    return Math.max(window, largestWindow.get());
  }

  /** Bytes received from the peer and not yet written to a socket, now and at most. */
  final long[] bufferedBytes() {
    return new long[] {buffered.get(), maxBuffered.get()};
  }

  /** One packet from the peer, in order. Requests the next unless a credit-less queue is full. */
  final void onPacket(Packet packet) {
    boolean more = true;
    try {
      switch (packet.getType()) {
        case DATA -> {
          dataBytesReceived.addAndGet(packet.getData().getData().size());
          Pipe pipe = pipes.get(packet.getData().getConnectID());
          if (pipe != null) {
            more = pipe.deliver(packet.getData().getData());
          }
        }
        case WINDOW_UPDATE -> {
          long id = packet.getWindowUpdate().getConnectID();
          long limit = packet.getWindowUpdate().getLimit();
          Pipe pipe = pipes.get(id);
          if (id == 0) {
            sendWindow.updateLimit(limit);
          } else if (pipe != null) {
            pipe.peerRaisedLimit(limit);
          } else {
            lateUpdates.incrementAndGet(); // its connection is gone: harmless
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

  /** A sender started waiting for credit. */
  final void creditWaitStarted() {
    synchronized (creditWaitLock) {
      creditWaits++;
      creditWaitLock.notifyAll();
    }
  }

  /** A sender got its credit (or its connection closed) after {@code nanos}. */
  final void creditWaitEnded(long nanos) {
    synchronized (creditWaitLock) {
      creditBlockedNanos += nanos;
    }
  }

  /** Times a sender had to wait for credit so far. */
  final long creditWaits() {
    synchronized (creditWaitLock) {
      return creditWaits;
    }
  }

  /** Nanoseconds senders spent waiting for credit so far, summed over connections. */
  final long creditBlockedNanos() {
    synchronized (creditWaitLock) {
      return creditBlockedNanos;
    }
  }

  /**
   * Waits until senders waited for credit at least {@code count} times.
   *
   * @return false if the timeout passed first
   */
  final boolean awaitCreditWaits(long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (creditWaitLock) {
      while (creditWaits < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(creditWaitLock, left);
      }
      return true;
    }
  }

  /** A connection left {@link #pipes}. */
  final void removed(Pipe pipe) {
    if (pipes.remove(pipe.connectId, pipe)) {
      synchronized (creditWaitLock) {
        creditWaitLock.notifyAll();
      }
      connectionEnded();
    }
  }

  /** A connection left {@link #pipes}; side-specific (the agent's drain watches it). */
  void connectionEnded() {}

  /**
   * Waits until no connection is open on this tunnel.
   *
   * @return false if the timeout passed first
   */
  final boolean awaitNoConnections(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (creditWaitLock) {
      while (!pipes.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(creditWaitLock, left);
      }
      return true;
    }
  }

  /** Bytes of DATA received so far. */
  final long dataBytesReceived() {
    return dataBytesReceived.get();
  }

  private final AtomicLong dataBytesReceived = new AtomicLong();

  /** WINDOW_UPDATEs for connections already gone, ignored. */
  final AtomicLong lateUpdates = new AtomicLong();

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
    closed = true;
    outbox.close();
    // Every credit waiter fails now, not when its connection notices.
    sendWindow.close(new IllegalStateException("tunnel closed"));
    List<Pipe> all = new ArrayList<>(pipes.values());
    for (Pipe pipe : all) {
      pipe.abort("tunnel closed");
    }
    receiveWindow.close();
    onClosed();
    closedFuture.complete(null);
  }

  /**
   * Ends the outgoing stream, after {@link #close}. Idempotent: the agent's half-close and the
   * server's shutdown may both ask.
   *
   * <p>Why on the call's event loop: Armeria runs a server call's close inline when asked on that
   * loop, but a message sent from another thread as a task queued there; closing inline would jump
   * ahead of messages queued before it ("call is closed", then a second close: "call already
   * closed", both logged by the event loop as stack traces). Queued as a task instead, the close
   * runs after them, and the closed outbox sends nothing after it.
   */
  final void completeOutbound() {
    StreamObserver<Packet> stream = out;
    if (stream == null || !outboundCompleted.compareAndSet(false, true)) {
      return;
    }
    Runnable complete =
        () -> {
          try {
            stream.onCompleted();
          } catch (RuntimeException e) {
            logger.log(Level.FINE, "completing the stream failed", e);
          }
        };
    try {
      callLoop.execute(complete);
    } catch (RejectedExecutionException e) { // the loop is shutting down: nothing is queued there
      complete.run();
    }
  }

  /** Side-specific cleanup after {@link #close}. */
  void onClosed() {}

  /** The gRPC stream as the outbox sees it. */
  private final class StreamSink implements Outbox.Sink {
    @Override
    public boolean isReady() {
      return out != null && !closed && ready.getAsBoolean();
    }

    @Override
    public void send(Packet packet) {
      StreamObserver<Packet> stream = out;
      try {
        if (stream != null) {
          stream.onNext(packet);
        }
      } catch (RuntimeException e) {
        logger.log(Level.FINE, "send failed; closing the tunnel", e);
        closed = true;
      }
    }
  }
}
