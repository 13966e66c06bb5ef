package dev.sluice.sim.testbed;

import static dev.sluice.sim.Preconditions.checkArgument;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.server.Server;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline a gateway is compared against: a plain streaming reverse proxy on 127.0.0.1 that
 * sends each {@code /v1/*} request to the next backend in turn, with no queue, no priorities and no
 * fairness, and no timeouts of its own. Thread-safe.
 */
public final class RoundRobinProxy implements AutoCloseable {

  private final ClientFactory clients = ClientFactory.builder().build();
  private final Server server;

  /** A proxy in front of {@code backends} (base URLs), not started yet. */
  public RoundRobinProxy(List<URI> backends) {
    checkArgument(!backends.isEmpty(), "backends: %s (expected: at least one)", backends);
    List<WebClient> targets =
        backends.stream()
            .map(
                uri ->
                    WebClient.builder(uri)
                        .factory(clients)
                        .responseTimeoutMillis(0)
                        .maxResponseLength(0)
                        .build())
            .toList();
    AtomicLong next = new AtomicLong();
    this.server =
        Server.builder()
            .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .requestTimeoutMillis(0)
            .gracefulShutdownTimeoutMillis(0, 0)
            .serviceUnder(
                "/v1/",
                (ctx, req) -> {
                  WebClient target = targets.get((int) (next.getAndIncrement() % targets.size()));
                  return target.execute(req);
                })
            .build();
  }

  /** Starts listening on an ephemeral port of 127.0.0.1; returns when it listens. */
  public RoundRobinProxy start() {
    server.start().join();
    return this;
  }

  /** The port it listens on, once started. */
  public int port() {
    return server.activeLocalPort();
  }

  /** Stops the server; returns when its port is closed and its clients are released. */
  public CompletableFuture<Void> closeAsync() {
    return server.stop().whenComplete((ignored, cause) -> clients.close());
  }

  @Override
  public void close() {
    closeAsync().join();
  }
}
