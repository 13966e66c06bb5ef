package dev.sluice.tunnel;

import dev.sluice.tunnel.proto.Packet;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * What one end puts on its agent stream, and in which order: control packets (dials, window
 * updates) first, then the connections' packets by deficit round-robin by bytes (Shreedhar and
 * Varghese, "Efficient Fair Queuing using Deficit Round Robin", SIGCOMM 1995), so one bulk transfer
 * cannot starve an interactive connection: a packet waits behind at most one quantum of every other
 * busy connection.
 *
 * <p>Packets leave only while the stream {@linkplain Sink#isReady is ready} (gRPC's {@code
 * isReady}, which tracks the HTTP/2 window under the tunnel); the rest waits here, where it can be
 * scheduled, instead of in the transport's buffer, where it could not. A connection's packets keep
 * their order (its close goes after its data). How many bytes a connection may have queued is
 * bounded by its credit, or by {@link Lane#awaitRoom} for a connection without credit.
 *
 * <p>Thread-safe: one lock; packets are handed to the sink under it, one at a time.
 */
final class Outbox {

  /** Where packets go: the gRPC stream. */
  interface Sink {
    /** Whether the stream takes a packet now without buffering it. */
    boolean isReady();

    /** Sends one packet. */
    void send(Packet packet);
  }

  /** Bytes a connection may send per round: one full DATA packet. */
  static final int QUANTUM = Pipe.CHUNK;

  private final Object lock = new Object();
  private final Sink sink;
  private final boolean fair;
  // Guarded by lock.
  private final ArrayDeque<Packet> control = new ArrayDeque<>();
  private final ArrayDeque<Lane> active = new ArrayDeque<>();
  private final ArrayDeque<Entry> fifo = new ArrayDeque<>();
  private long dataBytesSent;
  private long dataPacketsSent;
  private long controlPacketsSent;
  private long queuedBytes;
  private long maxQueuedBytes;
  private boolean closed;

  /**
   * @param fair false queues every connection's packets in one arrival-order queue instead (the
   *     behaviour without a scheduler; for comparisons)
   */
  Outbox(Sink sink, boolean fair) {
    this.sink = sink;
    this.fair = fair;
  }

  /** A connection's queue. */
  Lane lane() {
    return new Lane();
  }

  /** Queues a packet that belongs to no connection, ahead of all data. */
  void control(Packet packet) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      control.addLast(packet);
      drainLocked();
    }
  }

  /** Sends what the stream takes now; call when it becomes ready. */
  void drain() {
    synchronized (lock) {
      drainLocked();
    }
  }

  /** Drops everything queued, wakes every waiting connection; later packets are dropped. */
  void close() {
    synchronized (lock) {
      closed = true;
      control.clear();
      active.clear();
      fifo.clear();
      queuedBytes = 0;
      lock.notifyAll();
    }
  }

  /** Counters of what was sent; for metrics and tests. */
  Stats stats() {
    synchronized (lock) {
      return new Stats(
          dataBytesSent, dataPacketsSent, controlPacketsSent, queuedBytes, maxQueuedBytes);
    }
  }

  /**
   * @param queuedBytes connection bytes waiting here now
   * @param maxQueuedBytes the most that ever waited here at once
   */
  record Stats(
      long dataBytesSent,
      long dataPacketsSent,
      long controlPacketsSent,
      long queuedBytes,
      long maxQueuedBytes) {}

  private void drainLocked() {
    while (!closed && sink.isReady()) {
      Packet next = control.pollFirst();
      if (next != null) {
        controlPacketsSent++;
        sink.send(next);
        continue;
      }
      Entry entry = fair ? nextFairLocked() : fifo.pollFirst();
      if (entry == null) {
        return;
      }
      Lane lane = entry.lane;
      lane.queued -= entry.bytes;
      queuedBytes -= entry.bytes;
      lane.maxWaitedBehind = Math.max(lane.maxWaitedBehind, dataBytesSent - entry.sentMark);
      dataBytesSent += entry.bytes;
      if (entry.bytes > 0) {
        dataPacketsSent++;
      } else {
        controlPacketsSent++;
      }
      lock.notifyAll();
      sink.send(entry.packet);
    }
  }

  /** Deficit round-robin: the head lane spends its quantum, then goes to the back. */
  private @Nullable Entry nextFairLocked() {
    while (true) {
      Lane lane = active.peekFirst();
      if (lane == null) {
        return null;
      }
      if (!lane.inTurn) {
        lane.inTurn = true;
        lane.deficit += QUANTUM;
      }
      Entry head = lane.packets.getFirst(); // an active lane has packets
      if (head.bytes <= lane.deficit) {
        lane.packets.pollFirst();
        lane.deficit -= head.bytes;
        if (lane.packets.isEmpty()) {
          active.pollFirst();
          lane.deficit = 0; // an idle lane keeps no credit for later
          lane.inTurn = false;
        }
        return head;
      }
      lane.inTurn = false;
      active.addLast(active.pollFirst());
    }
  }

  private record Entry(Lane lane, Packet packet, int bytes, long sentMark) {}

  /** One connection's packets, in order. */
  final class Lane {
    // Guarded by the outbox's lock.
    private final ArrayDeque<Entry> packets = new ArrayDeque<>();
    private long deficit;
    private boolean inTurn;
    private long queued;
    private long maxWaitedBehind;
    private boolean cancelled;

    private Lane() {}

    /**
     * Queues a DATA packet carrying {@code bytes} bytes, or a close, behind this lane's packets.
     */
    void offer(Packet packet, int bytes) {
      synchronized (lock) {
        if (closed) {
          return;
        }
        Entry entry = new Entry(this, packet, bytes, dataBytesSent);
        queued += bytes;
        queuedBytes += bytes;
        maxQueuedBytes = Math.max(maxQueuedBytes, queuedBytes);
        if (!fair) {
          fifo.addLast(entry);
        } else {
          if (packets.isEmpty()) {
            active.addLast(this);
          }
          packets.addLast(entry);
        }
        drainLocked();
      }
    }

    /**
     * Waits until at most {@code maxBytes} of this lane's bytes are queued.
     *
     * @return false if the lane was cancelled or the outbox closed meanwhile
     */
    boolean awaitRoom(long maxBytes) throws InterruptedException {
      synchronized (lock) {
        while (queued > maxBytes && !cancelled && !closed) {
          lock.wait();
        }
        return !cancelled && !closed;
      }
    }

    /** Wakes a writer waiting in {@link #awaitRoom}; what is queued still goes. */
    void cancel() {
      synchronized (lock) {
        cancelled = true;
        lock.notifyAll();
      }
    }

    /**
     * The most connection bytes sent on the stream between this lane queuing a packet and sending
     * it: how long, in bytes, the lane waited behind other connections (its own packets included).
     */
    long maxWaitedBehind() {
      synchronized (lock) {
        return maxWaitedBehind;
      }
    }
  }
}
