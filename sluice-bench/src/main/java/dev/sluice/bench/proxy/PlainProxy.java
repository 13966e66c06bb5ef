package dev.sluice.bench.proxy;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.SessionProtocol;
import com.linecorp.armeria.common.util.EventLoopGroups;
import com.linecorp.armeria.server.Server;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * An Armeria reverse proxy with nothing else in the path: every request is streamed to one backend
 * as it arrives and the answer streamed back. The floor of the gateway's stack in the proxy
 * benchmark: whatever the gateway costs beyond this is the gateway's own.
 *
 * <p>Configured as a proxy should be: the server and the client share one event-loop group, so a
 * request and its upstream call run on the same thread where Armeria can arrange it; the client
 * speaks HTTP/1.1 without trying an upgrade first; no request or response timeouts and no length
 * limits.
 *
 * <pre>java -cp benchmarks.jar dev.sluice.bench.proxy.PlainProxy PORT BACKEND_URL</pre>
 */
public final class PlainProxy {

  private PlainProxy() {}

  /** Listens on 127.0.0.1:{@code args[0]} and forwards to {@code args[1]} until killed. */
  public static void main(String[] args) {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: PlainProxy PORT BACKEND_URL (got " + args.length + " arguments)");
    }
    CompletableFuture<Void> unused = start(Integer.parseInt(args[0]), args[1]).closeOnJvmShutdown();
  }

  /** Starts a proxy on 127.0.0.1:{@code port} (0: any free port) to {@code backendUrl}. */
  static Server start(int port, String backendUrl) {
    EventLoopGroup workers =
        EventLoopGroups.newEventLoopGroup(Runtime.getRuntime().availableProcessors());
    ClientFactory factory =
        ClientFactory.builder()
            .workerGroup(workers, false)
            .maxNumEventLoopsPerEndpoint(Runtime.getRuntime().availableProcessors())
            .useHttp1Pipelining(false)
            .build();
    WebClient backend =
        WebClient.builder(backendUrl.replaceFirst("^http:", SessionProtocol.H1C.uriText() + ":"))
            .factory(factory)
            .responseTimeoutMillis(0)
            .maxResponseLength(0)
            .build();
    Server server =
        Server.builder()
            .http(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .workerGroup(workers, true)
            .requestTimeoutMillis(0)
            .maxRequestLength(0)
            .serviceUnder("/", (ctx, req) -> backend.execute(req))
            .build();
    server.start().join();
    return server;
  }
}
