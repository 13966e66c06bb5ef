package dev.sluice.gateway;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import dev.sluice.flow.FlowControlListener;
import dev.sluice.flow.FlowController;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.config.TenantsConfig;
import dev.sluice.gateway.internal.admin.AdminService;
import dev.sluice.gateway.internal.cluster.GatewayCluster;
import dev.sluice.gateway.internal.dashboard.Dashboard;
import dev.sluice.gateway.internal.metrics.FlowMetrics;
import dev.sluice.gateway.internal.pool.EndpointPool;
import dev.sluice.gateway.internal.proxy.InferenceService;
import dev.sluice.gateway.internal.proxy.Preemptions;
import dev.sluice.gateway.internal.proxy.RequestBodyGuard;
import dev.sluice.gateway.internal.server.DrainWatch;
import dev.sluice.gateway.internal.server.ProxyServer;
import dev.sluice.gateway.internal.tenant.TenantRegistry;
import dev.sluice.gateway.internal.tenant.TenantResolver;
import dev.sluice.gateway.internal.tracing.RequestTracing;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow-controlled inference gateway: an OpenAI-compatible reverse proxy on one port, and {@code
 * /metrics}, {@code /admin/flows}, {@code /health} and the live {@link Dashboard} at {@code /} on
 * an admin port.
 *
 * <p>Build with {@link #builder(GatewayConfig)}, {@link #start()} it, and {@link #close()} it to
 * shut down gracefully: the health check turns 503, the flow controller closes (queued requests are
 * answered 503 at once, new ones get 503), then the listener stops accepting and in-flight
 * responses get the configured grace period to finish before their connections are closed.
 *
 * <p>Thread-safe. {@link #start()} and {@link #close()} block until done; {@link #close()} and
 * {@link #closeAsync()} are idempotent.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final GatewayConfig config;
  private final ClientFactory clients;
  private final EndpointPool pool;
  private final FlowMetrics metrics;
  private final GatewayCluster cluster;
  private final FlowController controller;
  private final Preemptions preemptions;
  private final @Nullable TenantRegistry tenants;
  private final RequestBodyGuard bodyGuard;
  private final Server server;
  private final @Nullable Server admin;
  private final Dashboard dashboard;
  private final DrainWatch drain = new DrainWatch();
  private @Nullable CompletableFuture<Void> closing;

  private Gateway(Builder builder) {
    this.config = builder.config;
    this.clients =
        ClientFactory.builder().connectTimeout(config.upstream().connectTimeout()).build();
    this.pool = new EndpointPool(config, builder.ticker, builder.scheduler, clients);
    this.metrics =
        new FlowMetrics(
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            config.metrics().fairnessIdLabelLimit(),
            config.metrics().fairnessIdLabelMaxLength());
    this.dashboard = new Dashboard(pool, builder.ticker, builder.scheduler);
    this.tenants =
        config.tenants().mode() == TenantsConfig.Mode.KEYS
            ? new TenantRegistry(config, builder.scheduler, metrics.registry())
            : null;
    List<FlowControlListener> listeners =
        new ArrayList<>(List.of(pool.listener(), metrics, dashboard.listener(), drain));
    if (builder.listener != null) {
      listeners.add(builder.listener);
    }
    RequestTracing tracing = RequestTracing.of(config.tracing().enabled(), builder.openTelemetry);
    if (tracing != null) {
      listeners.add(tracing.listener());
    }
    FlowControlListener listener = FlowControlListener.of(listeners);
    this.cluster =
        GatewayCluster.create(
            config.cluster(), builder.ticker, builder.scheduler, metrics.registry());
    this.controller =
        FlowController.create(
            (tenants == null
                    ? cluster.shareFairness(config.flowControl())
                    : tenants.shareBandsByTenant(config.flowControl()))
                .toBuilder()
                    .saturationDetector(cluster.gate(pool.gate()))
                    .ticker(builder.ticker)
                    .scheduler(builder.scheduler)
                    .listener(listener)
                    .build());
    metrics.bind(controller, pool);
    InferenceService inference =
        new InferenceService(
            config,
            controller,
            pool,
            builder.ticker,
            builder.scheduler,
            new TenantResolver(config, tenants, metrics.registry(), builder.ticker));
    GatewayConfig.Server listen = config.server();
    this.bodyGuard =
        new RequestBodyGuard(
            listen.maxBufferedRequestBytes(), listen.requestBodyTimeout(), listen.retryAfter());
    this.server =
        ProxyServer.build(
            listen,
            RequestTracing.wrap(tracing, inference.decorate(bodyGuard.decorator())),
            metrics.registry());
    this.preemptions = inference.preemptions();
    metrics.bindProxy(preemptions, bodyGuard);
    if (config.admin().port() >= 0) {
      ServerBuilder adminServer =
          Server.builder()
              .http(new InetSocketAddress(config.admin().host(), config.admin().port()))
              .gracefulShutdownTimeoutMillis(0, 0);
      new AdminService(controller, pool, metrics, drain::isDraining, preemptions)
          .addTo(adminServer);
      dashboard.addTo(adminServer, controller);
      this.admin = adminServer.build();
    } else {
      this.admin = null;
    }
  }

  /** Starts a builder for a gateway with {@code config}. */
  public static Builder builder(GatewayConfig config) {
    return new Builder(config);
  }

  /** Starts scraping and listening; blocks until both ports are bound. */
  public Gateway start() {
    pool.start();
    if (tenants != null) {
      tenants.start();
    }
    server.start().join();
    if (admin != null) {
      admin.start().join();
    }
    log.info(
        "Sluice gateway listening on {}:{} (admin {}), {} backend(s), detector {}, cluster {}",
        config.server().host(),
        port(),
        admin == null ? "off" : config.admin().host() + ":" + adminPort(),
        pool.endpoints().size(),
        pool.gate(),
        cluster);
    return this;
  }

  /** The inference port. */
  public int port() {
    return server.activeLocalPort();
  }

  /** The admin port, or -1 if the admin listener is disabled. */
  public int adminPort() {
    return admin == null ? -1 : admin.activeLocalPort();
  }

  /** Preemption of requests that have not started: its bands and counts. */
  public Preemptions preemptions() {
    return preemptions;
  }

  /** The flow controller, for statistics. */
  public FlowController controller() {
    return controller;
  }

  /** The backend pool. */
  public EndpointPool pool() {
    return pool;
  }

  /** The metrics. */
  public FlowMetrics metrics() {
    return metrics;
  }

  /** The tenants and their keys, or {@code null} unless {@code tenants.mode} is {@code keys}. */
  public @Nullable TenantRegistry tenants() {
    return tenants;
  }

  /** The configuration. */
  public GatewayConfig config() {
    return config;
  }

  /** The bound on request bodies held at once, for tests. */
  RequestBodyGuard bodyGuard() {
    return bodyGuard;
  }

  /**
   * Shuts down gracefully (see the class comment) and releases every resource. Blocks for at most
   * the grace period plus a little.
   */
  @Override
  public void close() {
    closeAsync().join();
  }

  /**
   * Shuts down as {@link #close()} does, but returns once in-flight responses have drained (or the
   * grace period has passed) and the listeners have begun to stop; the returned future completes
   * when they have stopped and every resource is released. Stopping a listener waits out Netty's
   * two-second quiet period on its acceptor thread, which a caller that only needs the gateway gone
   * (a test, as Armeria's {@code ServerExtension} does) need not wait for. Idempotent: later calls
   * return the same future.
   */
  public synchronized CompletableFuture<Void> closeAsync() {
    if (closing != null) {
      return closing;
    }
    if (tenants != null) {
      tenants.close();
    }
    drain.begin();
    controller.close();
    dashboard.close();
    drain.awaitDrained(controller, config.server().gracefulShutdown());
    closing =
        CompletableFuture.allOf(
                server.stop(),
                admin == null ? CompletableFuture.completedFuture(null) : admin.stop())
            .whenComplete(
                (ignored, cause) -> {
                  cluster.close(); // after the drain: its reservations cover what was still running
                  pool.close();
                  clients.close();
                  metrics.registry().close();
                });
    return closing;
  }

  /** Configures a {@link Gateway}. Not thread-safe. */
  public static final class Builder {
    private final GatewayConfig config;
    private Ticker ticker = Ticker.system();
    private Scheduler scheduler = Scheduler.system();
    private @Nullable FlowControlListener listener;
    private @Nullable OpenTelemetry openTelemetry;

    private Builder(GatewayConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** The clock for queue deadlines and metrics staleness. Default {@link Ticker#system()}. */
    public Builder ticker(Ticker value) {
      this.ticker = Objects.requireNonNull(value, "ticker");
      return this;
    }

    /** The timer for queue deadlines. Default {@link Scheduler#system()}. */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Another listener of flow-control events, besides the metrics. Default none. */
    public Builder listener(FlowControlListener value) {
      this.listener = Objects.requireNonNull(value, "listener");
      return this;
    }

    /**
     * Makes OpenTelemetry spans through {@code value} (whatever {@code tracing.enabled} says).
     * Default: none, or {@code GlobalOpenTelemetry} where {@code tracing.enabled} is true.
     */
    public Builder openTelemetry(OpenTelemetry value) {
      this.openTelemetry = Objects.requireNonNull(value, "openTelemetry");
      return this;
    }

    /** Builds the gateway; nothing listens until {@link Gateway#start()}. */
    public Gateway build() {
      return new Gateway(this);
    }
  }
}
