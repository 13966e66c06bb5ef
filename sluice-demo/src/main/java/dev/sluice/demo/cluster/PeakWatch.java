package dev.sluice.demo.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * While a fault lasts, samples what the backend runs and, at the highest count seen, each live
 * replica's mode and pool shares from its {@code /metrics}: what explains a peak above the limit.
 * Start it, then {@link #stop()} it to read {@link #peak()}. Thread-safe.
 */
final class PeakWatch {

  private static final Pattern GAUGE =
      Pattern.compile("(?m)^sluice_cluster_(limit_in_use|limit_allowed|mode)\\{([^}]*)} (\\S+)$");

  private final Fleet fleet;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final Thread sampler;
  private volatile int max = -1;
  private volatile String peak = "";

  PeakWatch(Fleet fleet) {
    this.fleet = fleet;
    this.sampler = new Thread(this::sample, "peak-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** The backend's highest count and the replicas' state when it was seen. */
  String peak() {
    return peak;
  }

  /** Stops sampling. */
  void stop() throws InterruptedException {
    stopped.set(true);
    sampler.join();
  }

  private void sample() {
    while (!stopped.get()) {
      int running = fleet.probe().running();
      if (running > max) {
        StringBuilder state = new StringBuilder("peak ").append(running).append(':');
        List<ReplicaProcess> replicas = fleet.replicas();
        for (int i = 0; i < replicas.size(); i++) {
          if (replicas.get(i).isAlive()) {
            state.append(" r").append(i).append(' ').append(gauges(replicas.get(i)));
          }
        }
        max = running;
        peak = state.toString();
      }
      Pause.of(Duration.ofMillis(10));
    }
  }

  private static String gauges(ReplicaProcess replica) {
    StringBuilder out = new StringBuilder();
    try {
      Matcher m = GAUGE.matcher(replica.metrics());
      while (m.find()) {
        if (m.group(1).equals("mode")) {
          if (m.group(3).startsWith("1")) {
            out.append(m.group(2).replaceAll(".*mode=\"(\\w+)\".*", "$1")).append(' ');
          }
        } else {
          out.append(m.group(1).replace("limit_", "")).append('=').append(m.group(3)).append(' ');
        }
      }
    } catch (RuntimeException e) {
      out.append("(metrics unavailable) ");
    }
    return out.toString().trim();
  }
}
