package dev.sluice.gateway.config;

import java.time.Duration;
import java.util.Set;

/**
 * Reads the {@code saturation} section: the detector, the scrape and its staleness, and the
 * detectors' thresholds. Every problem goes, with its path, to the section's errors. Stateless.
 */
final class SaturationReader {

  private SaturationReader() {}

  /** The section, with {@code preempting} the priorities of the bands that preempt. */
  static SaturationConfig read(YamlSection s, Set<Integer> preempting) {
    s.keys(
        "detector",
        "scrapeInterval",
        "scrapeTimeout",
        "staleness",
        "queueDepthThreshold",
        "kvCacheUtilThreshold",
        "headroom",
        "maxConcurrency",
        "maxTokenConcurrency",
        "slotHold");
    SaturationConfig.Detector detector =
        switch (s.choice("detector", "slots", "utilization", "concurrency")) {
          case "utilization" -> SaturationConfig.Detector.UTILIZATION;
          case "concurrency" -> SaturationConfig.Detector.CONCURRENCY;
          default -> SaturationConfig.Detector.SLOTS;
        };
    Duration interval = s.duration("scrapeInterval", Duration.ofMillis(50), false);
    Duration timeout = s.duration("scrapeTimeout", Duration.ofSeconds(1), false);
    Duration staleness = s.duration("staleness", Duration.ofMillis(200), false);
    int queueDepth = s.integer("queueDepthThreshold", 5, 1, Integer.MAX_VALUE);
    double kv = s.decimal("kvCacheUtilThreshold", 0.8);
    if (!(kv > 0 && kv <= 1)) {
      s.error(s.path("kvCacheUtilThreshold") + ": " + kv + " (expected in (0, 1])");
    }
    double headroom = s.decimal("headroom", 0.0);
    if (!(headroom >= 0) || Double.isInfinite(headroom)) {
      s.error(s.path("headroom") + ": " + headroom + " (expected >= 0)");
    }
    long maxConcurrency = s.longValue("maxConcurrency", 100, 0, Long.MAX_VALUE);
    long maxTokens = s.longValue("maxTokenConcurrency", 0, 0, Long.MAX_VALUE);
    if (maxConcurrency == 0 && maxTokens == 0) {
      s.error(s.path("maxConcurrency") + ": 0 (expected > 0 unless maxTokenConcurrency is set)");
    }
    Duration slotHold = s.duration("slotHold", Duration.ofMillis(50), true);
    return new SaturationConfig(
        detector,
        interval,
        timeout,
        staleness,
        queueDepth,
        kv,
        headroom,
        maxConcurrency,
        maxTokens,
        slotHold,
        preempting);
  }
}
