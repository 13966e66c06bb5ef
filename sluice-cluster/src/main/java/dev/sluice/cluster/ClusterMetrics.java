package dev.sluice.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * Micrometer gauges of a coordinator: {@code sluice.cluster.mode{mode=global|degraded|local}} (1
 * for the current mode, 0 for the others), and per limit {@code sluice.cluster.limit.in_use},
 * {@code .allowed} and {@code .others_reserved} tagged {@code limit=<name>}.
 */
public final class ClusterMetrics {
  private ClusterMetrics() {}

  /** Registers the mode gauges of {@code coordinator}. */
  public static void bind(ClusterCoordinator coordinator, MeterRegistry registry) {
    for (Mode mode : Mode.values()) {
      Gauge.builder("sluice.cluster.mode", coordinator, c -> c.mode() == mode ? 1 : 0)
          .tag("mode", mode.name().toLowerCase(Locale.ROOT))
          .description("1 for the coordinator's current mode, 0 for the others")
          .register(registry);
    }
  }

  /** Registers the gauges of {@code limit}. */
  public static void bind(GlobalLimit limit, MeterRegistry registry) {
    Gauge.builder("sluice.cluster.limit.in_use", limit, GlobalLimit::inUse)
        .tag("limit", limit.name())
        .description("units this replica holds")
        .register(registry);
    Gauge.builder("sluice.cluster.limit.allowed", limit, GlobalLimit::allowed)
        .tag("limit", limit.name())
        .description("units this replica may hold: its granted or degraded share")
        .register(registry);
    Gauge.builder("sluice.cluster.limit.others_reserved", limit, GlobalLimit::othersReserved)
        .tag("limit", limit.name())
        .description("units the other live replicas reserved at the last sync")
        .register(registry);
  }
}
