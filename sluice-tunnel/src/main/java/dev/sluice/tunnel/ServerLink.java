package dev.sluice.tunnel;

import dev.sluice.credit.WindowClosedException;
import dev.sluice.flow.Scheduler;
import dev.sluice.tunnel.proto.DialResponse;
import dev.sluice.tunnel.proto.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * The server's end of one agent's tunnel: sends dials, matches their responses, and relays the
 * connections of the frontend clients. Thread-safe.
 */
final class ServerLink extends Link {

  private static final Logger logger = Logger.getLogger(ServerLink.class.getName());

  /** A dial the agent answered with an error. */
  static final class DialFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    final transient Dialer.Failure failure;

    DialFailedException(Dialer.Failure failure, String message) {
      super(message);
      this.failure = failure;
    }
  }

  private record PendingDial(Endpoint client, CompletableFuture<Pipe> result) {}

  final String agentId;
  private volatile boolean draining;

  /** Completes when the agent sent DRAIN; for tests. */
  final CompletableFuture<Void> drainAnnounced = new CompletableFuture<>();

  private final ConcurrentMap<Long, PendingDial> pending = new ConcurrentHashMap<>();
  private final Consumer<ServerLink> onClosed;
  private final Pipe.Events events =
      new Pipe.Events() {
        @Override
        public void localEnd(Pipe pipe) {
          pipe.sendLast(Packets.closeRequest(pipe.connectId));
        }

        @Override
        public void drained(Pipe pipe) {}
      };

  ServerLink(
      String agentId,
      Executor executor,
      Scheduler scheduler,
      LinkSettings settings,
      Consumer<ServerLink> onClosed) {
    super(executor, scheduler, settings);
    this.agentId = agentId;
    this.onClosed = onClosed;
  }

  /** A dial in flight: its id and the future of its connection. */
  record Dial(long random, CompletableFuture<Pipe> result) {}

  /**
   * Sends DIAL_REQ for {@code address}; the future completes with the (not yet started) connection
   * relaying {@code client}, or fails with {@link DialFailedException} or when the tunnel closes.
   */
  Dial dial(String address, Endpoint client) {
    long random;
    CompletableFuture<Pipe> result = new CompletableFuture<>();
    do {
      random = ThreadLocalRandom.current().nextLong();
    } while (pending.putIfAbsent(random, new PendingDial(client, result)) != null);
    int open = pipes.size() + pending.size() - 1;
    if (isClosed() || open >= maxConnections) {
      pending.remove(random);
      result.completeExceptionally(
          isClosed()
              ? disconnected()
              : new DialFailedException(
                  Dialer.Failure.TOO_MANY_CONNECTIONS,
                  "agent "
                      + agentId
                      + ": "
                      + open
                      + " connections open (maxConnections: "
                      + maxConnections
                      + ")"));
    } else {
      send(Packets.dialRequest(address, random, window, tunnelWindow));
    }
    return new Dial(random, result);
  }

  /** Ends a dialed connection that was never started (its client left): closes it both ways. */
  void abandon(Pipe pipe) {
    pipe.abort("client left during the dial");
    pipe.sendLast(Packets.closeRequest(pipe.connectId));
  }

  private DialFailedException disconnected() {
    return new DialFailedException(
        Dialer.Failure.BACKEND_CLOSE, "agent " + agentId + " disconnected");
  }

  /** Dials sent and not yet answered. */
  int pendingDials() {
    return pending.size();
  }

  /**
   * Gives up a dial that took too long.
   *
   * @return false if its response already arrived: use the result
   */
  boolean cancelDial(long random) {
    if (pending.remove(random) == null) {
      return false;
    }
    send(Packets.closeDial(random));
    return true;
  }

  @Override
  void handle(Packet packet) {
    switch (packet.getType()) {
      case DIAL_RSP -> onDialResponse(packet.getDialResponse());
      case CLOSE_RSP -> {
        Pipe pipe = pipes.get(packet.getCloseResponse().getConnectID());
        if (pipe != null) {
          pipe.deliverEnd();
        }
      }
      case DRAIN -> {
        if (!draining) {
          draining = true;
          drainAnnounced.complete(null);
          logger.info(() -> "agent " + agentId + " is draining: no new dials through it");
        }
      }
      default -> {} // anything newer
    }
  }

  /** Whether the agent sent DRAIN: it takes no new dials; its connections go on until they end. */
  boolean isDraining() {
    return draining;
  }

  private void onDialResponse(DialResponse response) {
    PendingDial dial = pending.remove(response.getRandom());
    if (dial == null) { // timed out here meanwhile
      if (response.getError().isEmpty()) {
        send(Packets.closeRequest(response.getConnectID()));
      }
      return;
    }
    peerTunnelWindow(response.getTunnelWindow());
    if (!response.getError().isEmpty()) {
      dial.result.completeExceptionally(
          new DialFailedException(Dialer.Failure.ERROR_RESPONSE, response.getError()));
      return;
    }
    // Registered here, on the receive loop, so that DATA right behind the response finds it.
    Pipe pipe;
    try {
      pipe = new Pipe(this, response.getConnectID(), dial.client, response.getWindow(), events);
    } catch (WindowClosedException e) { // the tunnel closed meanwhile
      dial.result.completeExceptionally(disconnected());
      return;
    }
    pipes.put(pipe.connectId, pipe);
    if (isClosed()) { // closed between the check in Pipe and the put: close() may have missed it
      pipe.abort("tunnel closed");
      dial.result.completeExceptionally(disconnected());
      return;
    }
    dial.result.complete(pipe);
  }

  @Override
  void onClosed() {
    List<PendingDial> failed = new ArrayList<>(pending.values());
    pending.clear();
    for (PendingDial dial : failed) {
      dial.result.completeExceptionally(disconnected());
    }
    onClosed.accept(this);
  }
}
