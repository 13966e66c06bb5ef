package dev.sluice.tunnel;

import com.google.protobuf.ByteString;
import dev.sluice.credit.ReceiveStream;
import dev.sluice.credit.SendStream;
import dev.sluice.tunnel.proto.Packet;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * One proxied TCP connection on a {@link Link}: the local socket (the CONNECT client on the server,
 * the destination on the agent) and its two directions.
 *
 * <ul>
 *   <li><b>Socket to tunnel</b>: a reader reads up to {@link #CHUNK} bytes, then sends them as
 *       DATA, each packet only with credit from the peer ({@link SendStream}; partial grants split
 *       it). Without credit it sends at once.
 *   <li><b>Tunnel to socket</b>: {@link #deliver} queues DATA without blocking; one writer per
 *       connection writes the queue to the socket and then returns the bytes' stream credit ({@link
 *       ReceiveStream#consumed}). A peer that sends past its credit loses the connection.
 * </ul>
 *
 * <p>Ends: {@link #deliverEnd} lets the writer drain the queue and then closes; {@link #abort}
 * closes at once. Both are idempotent; closing fails a reader waiting for credit at once.
 */
final class Pipe {

  private static final Logger logger = Logger.getLogger(Pipe.class.getName());

  /** Bytes read from the socket per DATA packet, as konnectivity's HTTP CONNECT frontend reads. */
  static final int CHUNK = 32 * 1024;

  /** What the two ends do differently. */
  interface Events {
    /** The local socket reached end of stream (or failed): tell the peer. */
    void localEnd(Pipe pipe);

    /** The writer wrote everything and closed the socket after {@link #deliverEnd}. */
    void drained(Pipe pipe);
  }

  final long connectId;
  private final Link link;
  private final Endpoint local;
  private final Events events;
  private final Outbox.Lane lane;
  private final @Nullable SendStream sendCredit; // null: the peer gave no window
  private final @Nullable ReceiveStream receiveCredit; // null: no credit kept for the peer
  final PipeStats stats = new PipeStats();
  private final Object lock = new Object();
  // Guarded by lock.
  private final ArrayDeque<ByteString> queue = new ArrayDeque<>();
  private boolean endQueued;
  private boolean closed;
  private boolean waitingForRoom;

  /**
   * @param peerWindow the window the peer advertised at dial; credit is used only when both ends
   *     advertised one
   */
  Pipe(Link link, long connectId, Endpoint local, long peerWindow, Events events) {
    this.link = link;
    this.connectId = connectId;
    this.local = local;
    this.events = events;
    this.lane = link.outbox.lane();
    if (link.creditFor(peerWindow)) {
      // A stream of the tunnel's window: its credit is bounded by both (a waiter blocked by its
      // own stream's window holds up no other connection).
      this.sendCredit = link.sendWindow.newStream(peerWindow);
      this.receiveCredit =
          link.receiveWindow.newStream(limit -> link.send(Packets.windowUpdate(connectId, limit)));
    } else {
      this.sendCredit = null;
      this.receiveCredit = null;
    }
  }

  /** Whether this connection's directions are under byte credit. */
  boolean hasCredit() {
    return sendCredit != null;
  }

  /** Starts the reader and the writer. */
  void start() {
    link.executor.execute(this::readLoop);
    link.executor.execute(this::writeLoop);
  }

  /**
   * Queues bytes from the peer for the socket. Never blocks.
   *
   * @return false if the connection has no credit and its queue is full: the caller requests the
   *     next packet only when the writer made room
   */
  boolean deliver(ByteString bytes) {
    if (receiveCredit != null && !receiveCredit.onData(bytes.size())) {
      logger.warning(() -> "connection " + connectId + ": the peer sent past its credit; closing");
      abort("credit violation");
      events.localEnd(this);
      return true;
    }
    synchronized (lock) {
      if (closed || endQueued) {
        return true;
      }
      queue.addLast(bytes);
      stats.received(bytes.size());
      link.buffered(bytes.size());
      lock.notifyAll();
      if (receiveCredit == null && queue.size() >= link.maxQueuedPackets) {
        waitingForRoom = true;
        return false;
      }
      return true;
    }
  }

  /** The peer closed: write what is queued, then close. */
  void deliverEnd() {
    synchronized (lock) {
      endQueued = true;
      lock.notifyAll();
    }
  }

  /** Sends a packet of this connection (its close) behind the data it already sent. */
  void sendLast(Packet packet) {
    lane.offer(packet, 0);
  }

  /** Bytes this connection may send now by its own window, or -1 without credit. */
  long sendCredit() {
    return sendCredit == null ? -1 : sendCredit.available();
  }

  /** How long, in stream bytes, this connection's packets waited behind others at most. */
  long maxWaitedBehind() {
    return lane.maxWaitedBehind();
  }

  /** A WINDOW_UPDATE from the peer. */
  void peerRaisedLimit(long limit) {
    if (sendCredit != null) {
      sendCredit.updateLimit(limit);
    }
  }

  /** Closes the socket and both directions now; queued bytes are dropped. Idempotent. */
  void abort(String why) {
    boolean resume;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      long dropped = 0;
      for (ByteString bytes : queue) {
        dropped += bytes.size();
      }
      link.buffered(-dropped);
      queue.clear();
      resume = waitingForRoom;
      waitingForRoom = false;
      lock.notifyAll();
    }
    link.removed(this);
    IllegalStateException cause = new IllegalStateException("connection " + connectId + ": " + why);
    if (sendCredit != null) {
      sendCredit.close(cause);
    }
    if (receiveCredit != null) {
      receiveCredit.close();
    }
    lane.cancel();
    local.close();
    if (resume) {
      link.requestNext();
    }
  }

  boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  private void readLoop() {
    byte[] buffer = new byte[CHUNK];
    try {
      while (true) {
        // Without credit, at most two packets wait in the outbox (a blocking send, as upstream).
        if (sendCredit == null && !lane.awaitRoom(CHUNK)) {
          break;
        }
        int n = local.read(buffer);
        if (n < 0) {
          break;
        }
        int sent = 0;
        while (sent < n) {
          int grant = sendCredit == null ? n - sent : acquire(n - sent);
          lane.offer(Packets.data(connectId, ByteString.copyFrom(buffer, sent, grant)), grant);
          stats.sent(grant);
          sent += grant;
        }
      }
    } catch (IOException | ExecutionException e) {
      logger.log(Level.FINE, "connection " + connectId + ": read ended", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!isClosed()) {
      events.localEnd(this);
    }
  }

  /** Waits for credit for up to {@code wanted} bytes; counts the waits and the time blocked. */
  private int acquire(int wanted) throws InterruptedException, ExecutionException {
    CompletableFuture<Long> grant =
        Objects.requireNonNull(sendCredit, "a connection with credit").acquire(wanted);
    if (grant.isDone()) {
      return Math.toIntExact(grant.get());
    }
    long start = link.ticker.read();
    link.creditWaitStarted();
    try {
      return Math.toIntExact(grant.get());
    } finally {
      long nanos = link.ticker.read() - start;
      stats.blocked(nanos);
      link.creditWaitEnded(nanos);
    }
  }

  private void writeLoop() {
    try {
      while (true) {
        ByteString bytes;
        synchronized (lock) {
          while (queue.isEmpty() && !endQueued && !closed) {
            lock.wait();
          }
          if (closed) {
            return;
          }
          bytes = queue.pollFirst();
          if (bytes == null) { // end queued and everything written
            break;
          }
        }
        try {
          local.write(bytes);
        } finally {
          link.buffered(-bytes.size());
        }
        if (receiveCredit != null) {
          receiveCredit.consumed(bytes.size());
          link.windowReached(receiveCredit.window());
        }
        boolean resume;
        synchronized (lock) {
          resume = waitingForRoom && queue.size() < link.maxQueuedPackets;
          if (resume) {
            waitingForRoom = false;
          }
        }
        if (resume) {
          link.requestNext();
        }
      }
    } catch (IOException e) {
      logger.log(Level.FINE, "connection " + connectId + ": write failed", e);
      if (!isClosed()) {
        abort("write failed: " + e.getMessage());
        events.localEnd(this);
      }
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort("interrupted");
      return;
    }
    abort("closed by the peer");
    events.drained(this);
  }
}
