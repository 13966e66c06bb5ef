package dev.sluice.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.server.Server;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline the demo compares against: a plain streaming reverse proxy that sends each request
 * to the next backend in turn, with no queue, no priorities and no fairness. Thread-safe.
 */
final class RoundRobinProxy implements AutoCloseable {

  private final ClientFactory clients = ClientFactory.builder().build();
  private final Server server;

  RoundRobinProxy(List<URI> backends) {
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
            .http(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
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

  RoundRobinProxy start() {
    server.start().join();
    return this;
  }

  int port() {
    return server.activeLocalPort();
  }

  /** Stops the server; returns when its port is closed and its clients are released. */
  CompletableFuture<Void> closeAsync() {
    return server.stop().whenComplete((ignored, cause) -> clients.close());
  }

  @Override
  public void close() {
    closeAsync().join();
  }
}
