package dev.sluice.tunnel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The tunnel server's metrics in Prometheus text format, konnectivity's names where it has them
 * ({@code konnectivity_network_proxy_server_} prefix, upstream's {@code pkg/server/metrics}):
 *
 * <ul>
 *   <li>{@code _dial_duration_seconds} (histogram; upstream's buckets from 5 µs to 12.5 s):
 *       DIAL_REQ to DIAL_RSP of successful dials;
 *   <li>{@code _dial_failure_count_total{reason}} (counter; Micrometer adds {@code _total},
 *       upstream has none): {@code error_response}, {@code backend_close}, {@code
 *       backend_dial_timeout}, {@code send_rsp} as upstream, and Sluice's {@code no_backend},
 *       {@code too_many_connections};
 *   <li>{@code _established_connections}, {@code _pending_backend_dials}, {@code _ready_backends}
 *       and its deprecated twin {@code _ready_backend_connections} (gauges).
 * </ul>
 *
 * <p>Sluice's credit, under {@code sluice_tunnel_}: {@code connection_window_bytes} and {@code
 * tunnel_window_bytes} (the advertised windows), {@code buffered_bytes} (received, not yet written
 * to a client), {@code outbox_queued_bytes} (waiting for the agent stream), {@code
 * credit_waits_total} and {@code credit_blocked_seconds_total} (senders that ran out of credit, and
 * for how long), {@code window_updates_sent_total}, {@code data_received_bytes_total} (their ratio
 * is the updates sent per byte), {@code data_sent_bytes_total} and {@code
 * control_packets_sent_total}.
 *
 * <p>Thread-safe; gauges and function counters are read from the live tunnels at scrape time.
 */
final class TunnelMetrics {

  private static final String PREFIX = "konnectivity_network_proxy_server_";
  private static final Duration[] DIAL_BUCKETS = {
    Duration.ofNanos(5_000),
    Duration.ofNanos(25_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(25),
    Duration.ofMillis(100),
    Duration.ofMillis(500),
    Duration.ofMillis(2500),
    Duration.ofMillis(12500),
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer dialDuration;
  private final Map<Dialer.Failure, Counter> failures = new EnumMap<>(Dialer.Failure.class);

  /**
   * @param tunnels the server's live and retired tunnels, summed
   * @param settings the windows it advertises
   */
  TunnelMetrics(Tunnels tunnels, LinkSettings settings) {
    this.dialDuration =
        Timer.builder(PREFIX + "dial_duration")
            .description("Latency of dial to the remote endpoint in seconds")
            .serviceLevelObjectives(DIAL_BUCKETS)
            .register(registry);
    for (Dialer.Failure failure : Dialer.Failure.values()) {
      failures.put(
          failure,
          Counter.builder(PREFIX + "dial_failure_count")
              .description("Number of dial failures observed, by reason")
              .tag("reason", failure.label)
              .register(registry));
    }
    gauge(PREFIX + "established_connections", tunnels, t -> t.sum(l -> l.pipes.size()));
    gauge(PREFIX + "pending_backend_dials", tunnels, t -> t.sum(ServerLink::pendingDials));
    gauge(PREFIX + "ready_backends", tunnels, t -> t.agents());
    gauge(PREFIX + "ready_backend_connections", tunnels, t -> t.agents());
    gauge("sluice_tunnel_connection_window_bytes", settings, LinkSettings::window);
    gauge("sluice_tunnel_tunnel_window_bytes", settings, LinkSettings::tunnelWindow);
    gauge("sluice_tunnel_buffered_bytes", tunnels, t -> t.sum(l -> l.bufferedBytes()[0]));
    gauge(
        "sluice_tunnel_outbox_queued_bytes",
        tunnels,
        t -> t.sum(l -> l.outbox.stats().queuedBytes()));
    counter("sluice_tunnel_credit_waits", tunnels, t -> t.total(Total.CREDIT_WAITS));
    counter(
        "sluice_tunnel_credit_blocked_seconds",
        tunnels,
        t -> t.total(Total.CREDIT_BLOCKED_NANOS) / 1e9);
    counter("sluice_tunnel_window_updates_sent", tunnels, t -> t.total(Total.WINDOW_UPDATES_SENT));
    counter("sluice_tunnel_data_received_bytes", tunnels, t -> t.total(Total.DATA_RECEIVED));
    counter("sluice_tunnel_data_sent_bytes", tunnels, t -> t.total(Total.DATA_SENT));
    counter(
        "sluice_tunnel_control_packets_sent", tunnels, t -> t.total(Total.CONTROL_PACKETS_SENT));
  }

  /** A tunnel's running totals, kept after it closes. */
  enum Total {
    CREDIT_WAITS,
    CREDIT_BLOCKED_NANOS,
    WINDOW_UPDATES_SENT,
    DATA_RECEIVED,
    DATA_SENT,
    CONTROL_PACKETS_SENT;

    /** This total of one tunnel. */
    long of(Link link) {
      return switch (this) {
        case CREDIT_WAITS -> link.creditWaits();
        case CREDIT_BLOCKED_NANOS -> link.creditBlockedNanos();
        case WINDOW_UPDATES_SENT -> link.receiveWindow.updatesSent();
        case DATA_RECEIVED -> link.dataBytesReceived();
        case DATA_SENT -> link.outbox.stats().dataBytesSent();
        case CONTROL_PACKETS_SENT -> link.outbox.stats().controlPacketsSent();
      };
    }
  }

  /** The server's tunnels as the metrics read them. */
  interface Tunnels {
    /** Agents connected now. */
    int agents();

    /** {@code value} summed over the live tunnels. */
    long sum(ToLongFunction<ServerLink> value);

    /** {@code total} summed over the live tunnels and those that closed. */
    long total(Total total);
  }

  private <T> void gauge(String name, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).register(registry);
  }

  private <T> void counter(String name, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).register(registry);
  }

  void dialed(long nanos) {
    dialDuration.record(nanos, TimeUnit.NANOSECONDS);
  }

  void dialFailed(Dialer.Failure failure) {
    Objects.requireNonNull(failures.get(failure), "every failure has a counter").increment();
  }

  /** Successful dials so far. */
  long dials() {
    return dialDuration.count();
  }

  /** Dials that failed for {@code failure} so far. */
  long dialFailures(Dialer.Failure failure) {
    return (long)
        Objects.requireNonNull(failures.get(failure), "every failure has a counter").count();
  }

  /** The metrics in Prometheus text format. */
  String scrape() {
    return registry.scrape();
  }
}
