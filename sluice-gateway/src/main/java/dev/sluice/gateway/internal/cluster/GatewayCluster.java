package dev.sluice.gateway.internal.cluster;

import dev.sluice.cluster.ClusterCoordinator;
import dev.sluice.cluster.ClusterMetrics;
import dev.sluice.cluster.GlobalFairness;
import dev.sluice.cluster.GlobalLimit;
import dev.sluice.cluster.GlobalLimitDetector;
import dev.sluice.cluster.Mode;
import dev.sluice.cluster.RedisCoordinator;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.Scheduler;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.SaturationDetector;
import dev.sluice.gateway.config.ClusterConfig;
import io.lettuce.core.RedisURI;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * This gateway's part in a pool served by several replicas, as its {@link ClusterConfig} says: the
 * coordinator ({@link ClusterCoordinator#local()}, or a {@link RedisCoordinator} that is syncing
 * from construction on) and the pool's global limit, if one is configured, which {@link
 * #gate(SaturationDetector)} puts in front of the gateway's own detector.
 *
 * <p>Its gauges ({@code sluice.cluster.mode{mode}}, and {@code sluice.cluster.limit.*} for the
 * pool's limit) are registered on the gateway's registry. Close it after the flow controller has
 * drained: closing gives this replica's reservations back at once, so units still running would no
 * longer be counted. Thread-safe.
 */
public final class GatewayCluster implements AutoCloseable {

  /** The name the pool's concurrency limit is shared under. */
  public static final String POOL_LIMIT = "pool";

  private static final String WEIGHTED_FAIR = "weighted-fair";

  private final ClusterCoordinator coordinator;
  private final @Nullable GlobalLimit poolLimit;
  private final boolean globalFairness;

  private GatewayCluster(
      ClusterCoordinator coordinator, @Nullable GlobalLimit poolLimit, boolean globalFairness) {
    this.coordinator = coordinator;
    this.poolLimit = poolLimit;
    this.globalFairness = globalFairness;
  }

  /**
   * Builds the coordinator {@code config} asks for, its clock and timer being the gateway's, and
   * registers its gauges on {@code registry}. In mode {@code redis} the coordinator starts syncing
   * at once; an unreachable Redis makes it degraded, it never fails the gateway's start.
   */
  public static GatewayCluster create(
      ClusterConfig config, Ticker ticker, Scheduler scheduler, MeterRegistry registry) {
    ClusterCoordinator coordinator =
        config.mode() == ClusterConfig.Mode.REDIS
            ? RedisCoordinator.builder(
                    RedisURI.create(Objects.requireNonNull(config.uri(), "uri")), config.pool())
                .replicaId(config.replicaId() != null ? config.replicaId() : defaultReplicaId())
                .syncInterval(config.syncInterval())
                .heartbeatInterval(config.heartbeatInterval())
                .commandTimeout(config.commandTimeout())
                .decay(config.decay())
                .strict(config.strict())
                .headroom(config.headroom())
                .expectedReplicas(config.expectedReplicas())
                .ticker(ticker)
                .scheduler(scheduler)
                .build()
            : ClusterCoordinator.local();
    ClusterConfig.Limit pool = config.poolLimit();
    GlobalLimit poolLimit =
        pool == null ? null : coordinator.limit(POOL_LIMIT, pool.limit(), pool.failurePolicy());
    ClusterMetrics.bind(coordinator, registry);
    if (poolLimit != null) {
      ClusterMetrics.bind(poolLimit, registry);
    }
    return new GatewayCluster(coordinator, poolLimit, config.globalFairness());
  }

  /**
   * {@code flowControl} with {@code fairness: global} applied: every band that is {@code
   * weighted-fair} (the default) becomes {@link GlobalFairness} over the service shared as {@code
   * band<priority>}, every flow weighted 1; the templates of unconfigured bands share {@code
   * band-dynamic} and {@code band-dynamic-sheddable}. Other fairness policies, and everything with
   * {@code fairness: local}, are left as they are.
   */
  public FlowControllerConfig shareFairness(FlowControllerConfig flowControl) {
    if (!globalFairness) {
      return flowControl;
    }
    return flowControl.toBuilder()
        .bands(
            flowControl.bands().stream()
                .map(band -> shared(band, "band" + band.priority()))
                .toList())
        .defaultBand(shared(flowControl.defaultBand(), "band-dynamic"))
        .defaultSheddableBand(shared(flowControl.defaultSheddableBand(), "band-dynamic-sheddable"))
        .build();
  }

  private BandConfig shared(BandConfig band, String service) {
    if (!band.fairness().name().equals(WEIGHTED_FAIR)) {
      return band;
    }
    return band.toBuilder()
        .fairness(GlobalFairness.of(coordinator.service(service), key -> 1.0))
        .build();
  }

  /**
   * The detector the flow controller dispatches by: {@code local} gated by the pool's global limit,
   * or {@code local} itself when no pool limit is configured.
   */
  public SaturationDetector gate(SaturationDetector local) {
    return poolLimit == null ? local : GlobalLimitDetector.of(local, poolLimit);
  }

  /** How limits are enforced right now: {@code local}, {@code global} or {@code degraded}. */
  public Mode mode() {
    return coordinator.mode();
  }

  /** The pool's global limit, or {@code null} if none is configured. */
  public @Nullable GlobalLimit poolLimit() {
    return poolLimit;
  }

  /** Stops coordinating and gives this replica's reservations back. Idempotent. */
  @Override
  public void close() {
    coordinator.close();
  }

  @Override
  public String toString() {
    return coordinator.toString();
  }

  /**
   * The host name (from {@code HOSTNAME}, as containers set it, else {@code gateway}) and the
   * process id: distinct for replicas on one host, readable in Redis and logs.
   */
  static String defaultReplicaId() {
    String host = System.getenv("HOSTNAME");
    String name = host == null || host.isBlank() ? "gateway" : host.replaceAll("[{}\\s]", "");
    return name + "-" + ProcessHandle.current().pid();
  }
}
