package dev.sluice.tunnel;

import static dev.sluice.internal.Preconditions.checkArgument;

import com.linecorp.armeria.common.CommonPools;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Route;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import dev.sluice.dashboard.DashboardService;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The tunnel server: agents connect to its gRPC port ({@code AgentService.Connect}, h2c), clients
 * to its HTTP CONNECT port. Each CONNECT goes to the next connected agent in turn, skipping agents
 * that sent DRAIN (their open connections continue until they end).
 *
 * <p>Per connection, both directions run under byte credit when the agent advertises a window in
 * its DIAL_RSP (Sluice's extension, field 100); with an agent that does not, the connection runs
 * without credit, as upstream konnectivity does.
 *
 * <p>Thread-safe. {@link #close} stops both ports and ends every tunnel and connection.
 */
public final class TunnelServer implements AutoCloseable {

  private final String host;
  private final int agentPortConfig;
  private final int connectPortConfig;
  private final LinkSettings settings;
  private final Duration dialTimeout;
  private final Scheduler scheduler;
  private final String serverId = UUID.randomUUID().toString();
  private final Agents agents = new Agents();
  private final TunnelMetrics metrics;
  private final int adminPortConfig;
  private @Nullable Server admin;
  private @Nullable DashboardService dashboard;
  private final ExecutorService executor = TunnelThreads.newPool("sluice-tunnel-server");
  private @Nullable Server server;
  private @Nullable ConnectFrontend frontend;

  private TunnelServer(Builder builder) {
    this.host = builder.host;
    this.agentPortConfig = builder.agentPort;
    this.connectPortConfig = builder.connectPort;
    this.settings =
        new LinkSettings(
            builder.window,
            builder.tunnelWindow,
            builder.maxQueuedPackets,
            builder.maxConnections,
            builder.fair,
            Ticker.system(),
            builder.updateRatio,
            builder.maxWindow);
    this.dialTimeout = builder.dialTimeout;
    this.scheduler = builder.scheduler;
    this.adminPortConfig = builder.adminPort;
    this.metrics = new TunnelMetrics(agents, settings);
  }

  /** Starts a configuration: 127.0.0.1, ephemeral ports, 256 KiB windows, 5 s dial timeout. */
  public static Builder builder() {
    return new Builder();
  }

  /** Binds both ports and starts serving. */
  public TunnelServer start() {
    Dialer dialer = new Dialer(agents, dialTimeout, metrics, settings.ticker());
    AgentEndpoint endpoint = new AgentEndpoint(serverId, this::newLink, agents::register);
    server =
        Server.builder()
            .http(new InetSocketAddress(host, agentPortConfig))
            .service(
                GrpcService.builder()
                    .addService(endpoint)
                    .addService(new ProxyEndpoint(executor, dialer))
                    .build())
            // An agent stream lives as long as the agent: no request timeout, no length limit.
            .requestTimeout(Duration.ZERO)
            .maxRequestLength(0)
            // Tunnels are ended by close(), not drained: no graceful-shutdown wait.
            .gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
            .build();
    server.start().join();
    try {
      frontend =
          new ConnectFrontend(new InetSocketAddress(host, connectPortConfig), executor, dialer);
    } catch (IOException e) {
      server.stop().join();
      throw new UncheckedIOException("binding the CONNECT port " + connectPortConfig, e);
    }
    if (adminPortConfig >= 0) {
      ServerBuilder adminBuilder = Server.builder();
      dashboard =
          DashboardService.addTo(
              adminBuilder,
              new TunnelDashboard(
                      agents, metrics, settings.ticker(), TunnelDashboard.TOP_CONNECTIONS)
                  ::render,
              scheduler,
              CommonPools.blockingTaskExecutor());
      admin =
          adminBuilder
              .http(new InetSocketAddress(host, adminPortConfig))
              .gracefulShutdownTimeout(Duration.ZERO, Duration.ZERO)
              .service(
                  Route.builder().path("/metrics").methods(HttpMethod.GET).build(),
                  (ctx, req) ->
                      HttpResponse.of(
                          HttpStatus.OK,
                          MediaType.parse("text/plain; version=0.0.4; charset=utf-8"),
                          metrics.scrape()))
              .build();
      admin.start().join();
    }
    return this;
  }

  /** The port agents connect to. */
  public int agentPort() {
    return Objects.requireNonNull(server, "not started").activeLocalPort();
  }

  /** The HTTP CONNECT port. */
  public int connectPort() {
    return Objects.requireNonNull(frontend, "not started").port();
  }

  /** Agent tunnels connected now. */
  public int agentCount() {
    return agents.agents();
  }

  /** The agent tunnels connected now; for tests. */
  List<ServerLink> links() {
    return agents.links();
  }

  /** The address the ports bind to. */
  public String host() {
    return host;
  }

  /** The admin port serving {@code /metrics} and the dashboard, or -1 if there is none. */
  public int adminPort() {
    return admin == null ? -1 : admin.activeLocalPort();
  }

  /** The metrics in Prometheus text format, as {@code /metrics} serves them. */
  public String scrape() {
    return metrics.scrape();
  }

  /**
   * Waits until at least {@code count} agent tunnels are connected.
   *
   * @return false if the timeout passed first
   */
  public boolean awaitAgents(int count, Duration timeout) throws InterruptedException {
    return agents.await(n -> n >= count, timeout);
  }

  /**
   * Waits until no agent tunnel is connected.
   *
   * @return false if the timeout passed first
   */
  public boolean awaitNoAgents(Duration timeout) throws InterruptedException {
    return agents.await(n -> n == 0, timeout);
  }

  private ServerLink newLink(String agentId) {
    return new ServerLink(agentId, executor, scheduler, settings, agents::unregister);
  }

  @Override
  public void close() {
    closeAsync().join();
  }

  /**
   * Ends every tunnel and connection at once and starts stopping both ports; the future completes
   * once they have stopped (Netty's quiet period included). Idempotent in effect: a second call
   * stops nothing more.
   */
  public CompletableFuture<Void> closeAsync() {
    if (frontend != null) {
      frontend.close();
    }
    for (ServerLink link : agents.links()) {
      link.close();
      link.completeOutbound();
    }
    if (dashboard != null) {
      dashboard.close();
    }
    return CompletableFuture.allOf(
            admin == null ? CompletableFuture.completedFuture(null) : admin.stop(),
            server == null ? CompletableFuture.completedFuture(null) : server.stop())
        .whenComplete((ignored, cause) -> executor.shutdownNow());
  }

  /** Configures a {@link TunnelServer}. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int agentPort;
    private int connectPort;
    private int adminPort = -1;
    private long window = 256 * 1024;
    private long tunnelWindow = 4 * 1024 * 1024;
    private int maxConnections = 1024;
    private boolean fair = true;
    private double updateRatio = 0.5;
    private long maxWindow;
    private int maxQueuedPackets = 10;
    private Duration dialTimeout = Duration.ofSeconds(5);
    private Scheduler scheduler = Scheduler.system();

    private Builder() {}

    /**
     * The port serving {@code /metrics} and the live dashboard at {@code /}; 0 picks a free one, -1
     * (default) serves none.
     */
    public Builder adminPort(int port) {
      this.adminPort = port == -1 ? -1 : checkPort("adminPort", port);
      return this;
    }

    /** The address both ports bind to. Default 127.0.0.1. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The agents' gRPC port; 0 picks a free one. Default 0. */
    public Builder agentPort(int port) {
      this.agentPort = checkPort("agentPort", port);
      return this;
    }

    /** The HTTP CONNECT port; 0 picks a free one. Default 0. */
    public Builder connectPort(int port) {
      this.connectPort = checkPort("connectPort", port);
      return this;
    }

    /**
     * Bytes an agent may send on one connection before the client read them (the window advertised
     * in DIAL_REQ); 0 turns byte credit off. Default 256 KiB.
     */
    public Builder window(long bytes) {
      checkArgument(bytes >= 0, "window: %s (expected: >= 0)", bytes);
      this.window = bytes;
      return this;
    }

    /**
     * Bytes an agent may have in flight on all connections of its tunnel together (advertised in
     * DIAL_REQ; HTTP/2's connection window); 0 for no tunnel-wide limit. Default 4 MiB.
     */
    public Builder tunnelWindow(long bytes) {
      this.tunnelWindow = LinkLimits.checkWindow("tunnelWindow", bytes);
      return this;
    }

    /**
     * Connections (dials in flight included) one agent's tunnel carries at once; a CONNECT beyond
     * it gets 502. Default 1024.
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = LinkLimits.checkConnections(connections);
      return this;
    }

    /**
     * Whether client data shares an agent's stream by deficit round-robin (default) or goes out in
     * arrival order (for comparisons).
     */
    public Builder fair(boolean fair) {
      this.fair = fair;
      return this;
    }

    /**
     * Lets each connection's receive window grow from {@link #window} up to {@code bytes} when the
     * client keeps up with a window-limited sender (it consumed a whole window within about two
     * round trips; receiver-side auto-tuning, see {@code ReceiveWindow.Builder#autoTune}). 0
     * (default) keeps the window fixed. Memory per tunnel is then bounded by {@code maxConnections}
     * times this.
     */
    public Builder maxWindow(long bytes) {
      this.maxWindow = LinkLimits.checkWindow("maxWindow", bytes);
      return this;
    }

    /**
     * The fraction of a connection's window consumed that sends a WINDOW_UPDATE. Default 0.5, as
     * HTTP/2 implementations; {@code 1.0 / packetsPerWindow} sends one per full packet, as the
     * packet-per-ACK scheme the benchmarks compare against.
     */
    Builder updateRatio(double ratio) {
      checkArgument(ratio > 0 && ratio <= 1, "updateRatio: %s (expected: in (0, 1])", ratio);
      this.updateRatio = ratio;
      return this;
    }

    /**
     * Packets queued for a client of a connection without credit before the agent's tunnel stops
     * being read (upstream's server {@code --xfr-channel-size}). Default 10.
     */
    public Builder maxQueuedPackets(int packets) {
      checkArgument(packets >= 1, "maxQueuedPackets: %s (expected: >= 1)", packets);
      this.maxQueuedPackets = packets;
      return this;
    }

    /** How long a CONNECT waits for the agent's DIAL_RSP before 504. Default 5 s. */
    public Builder dialTimeout(Duration timeout) {
      checkArgument(
          !timeout.isNegative() && !timeout.isZero(), "dialTimeout: %s (expected: > 0)", timeout);
      this.dialTimeout = timeout;
      return this;
    }

    /** Runs the delayed flush of small window updates. Default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Builds the server; {@link TunnelServer#start} binds it. */
    public TunnelServer build() {
      LinkLimits.checkMaxWindow(maxWindow, window);
      return new TunnelServer(this);
    }

    static int checkPort(String name, int port) {
      checkArgument(port >= 0 && port <= 65535, "%s: %s (expected: 0..65535)", name, port);
      return port;
    }
  }
}
