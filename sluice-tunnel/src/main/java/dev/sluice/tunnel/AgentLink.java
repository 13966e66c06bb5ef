package dev.sluice.tunnel;

import dev.sluice.credit.WindowClosedException;
import dev.sluice.flow.Scheduler;
import dev.sluice.tunnel.proto.DialRequest;
import dev.sluice.tunnel.proto.Packet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's end of its tunnel to one server: dials destinations (off the receive loop, with a
 * timeout) and relays their connections; once {@link #drain draining}, refuses new dials.
 * Thread-safe.
 */
final class AgentLink extends Link {

  private final Duration dialTimeout;
  private final AtomicLong connectIds = new AtomicLong();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final CompletableFuture<Void> idle = new CompletableFuture<>();

  /** Dials in progress by random; true once the server cancelled it (DIAL_CLS). */
  private final ConcurrentMap<Long, Boolean> dialing = new ConcurrentHashMap<>();

  private final Pipe.Events events =
      new Pipe.Events() {
        @Override
        public void localEnd(Pipe pipe) {
          pipe.abort("destination closed");
          pipe.sendLast(Packets.closeResponse(pipe.connectId, ""));
        }

        @Override
        public void drained(Pipe pipe) {
          pipe.sendLast(Packets.closeResponse(pipe.connectId, ""));
        }
      };

  AgentLink(Executor executor, Scheduler scheduler, LinkSettings settings, Duration dialTimeout) {
    super(executor, scheduler, settings);
    this.dialTimeout = dialTimeout;
  }

  @Override
  void handle(Packet packet) {
    switch (packet.getType()) {
      case DIAL_REQ -> dial(packet.getDialRequest());
      case DIAL_CLS -> dialing.replace(packet.getCloseDial().getRandom(), true);
      case CLOSE_REQ -> {
        long id = packet.getCloseRequest().getConnectID();
        Pipe pipe = pipes.get(id);
        if (pipe != null) {
          pipe.deliverEnd();
        } else {
          send(Packets.closeResponse(id, "unknown connectID"));
        }
      }
      default -> {}
    }
  }

  /**
   * Stops taking new connections: sends DRAIN (the server picks other agents for new dials) and
   * refuses every later DIAL_REQ with an error; the connections open now go on. Idempotent.
   *
   * @return completes once no connection or dial is left on this tunnel, or the tunnel closed
   */
  CompletableFuture<Void> drain() {
    if (draining.compareAndSet(false, true)) {
      send(Packets.drain());
    }
    connectionEnded();
    return idle;
  }

  @Override
  void connectionEnded() {
    if (draining.get() && pipes.isEmpty() && dialing.isEmpty()) {
      idle.complete(null);
    }
  }

  @Override
  void onClosed() {
    idle.complete(null); // every connection ended with the tunnel
  }

  private void dial(DialRequest request) {
    long random = request.getRandom();
    peerTunnelWindow(request.getTunnelWindow());
    // Registered before the drain check, so that drain() either sees the dial or it is refused.
    if (dialing.putIfAbsent(random, false) != null) {
      return; // a duplicate random: the first dial answers it
    }
    if (draining.get()) {
      dialing.remove(random);
      send(
          Packets.dialFailed(
              random, "dial " + request.getAddress() + ": the agent is draining (shutting down)"));
      connectionEnded();
      return;
    }
    int open = pipes.size() + dialing.size() - 1;
    if (open >= maxConnections) {
      dialing.remove(random);
      send(
          Packets.dialFailed(
              random,
              "dial "
                  + request.getAddress()
                  + ": "
                  + open
                  + " connections open on the agent (maxConnections: "
                  + maxConnections
                  + ")"));
      return;
    }
    executor.execute(
        () -> {
          String address = request.getAddress();
          Socket socket = new Socket();
          try {
            socket.connect(parse(address), Math.toIntExact(dialTimeout.toMillis()));
            socket.setTcpNoDelay(true);
          } catch (IOException | IllegalArgumentException e) {
            closeQuietly(socket);
            dialing.remove(random);
            send(
                Packets.dialFailed(
                    random,
                    "dial " + request.getProtocol() + " " + address + ": " + e.getMessage()));
            connectionEnded();
            return;
          }
          long id = connectIds.incrementAndGet();
          Pipe pipe;
          try {
            pipe = new Pipe(this, id, Endpoint.of(socket), request.getWindow(), events);
          } catch (WindowClosedException e) { // the tunnel closed meanwhile
            closeQuietly(socket);
            dialing.remove(random);
            connectionEnded();
            return;
          }
          // In pipes before it leaves dialing, so that a drain never sees this dial in neither.
          pipes.put(id, pipe);
          if (Boolean.TRUE.equals(dialing.remove(random))) {
            pipe.abort("dial cancelled by the server");
            return;
          }
          if (isClosed()) { // close() may have run before the put
            pipe.abort("tunnel closed");
            return;
          }
          send(Packets.dialResponse(random, id, window, tunnelWindow));
          pipe.start();
        });
  }

  /** {@code host:port} or {@code [v6]:port}. */
  static InetSocketAddress parse(String address) {
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("address: " + address + " (expected: host:port)");
    }
    String host = address.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("address: " + address + " (expected: a numeric port)", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("address: " + address + " (expected: port in 1..65535)");
    }
    return new InetSocketAddress(host, port);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
