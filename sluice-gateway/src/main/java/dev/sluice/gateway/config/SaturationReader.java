package dev.sluice.gateway.config;

import dev.sluice.config.YamlSection;
import dev.sluice.flow.Ticker;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import dev.sluice.flow.saturation.UtilizationDetector;
import java.time.Duration;
import java.util.Set;

/**
 * Reads the {@code saturation} section: the detector, the scrape and its staleness, and the
 * detectors' thresholds. The thresholds' defaults and checks are the core detectors' own ({@link
 * UtilizationDetector}, {@link ConcurrencyDetector}). Every problem goes, with its path, to the
 * section's errors. Stateless.
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
    Duration staleness =
        s.duration(
            "staleness", Duration.ofMillis(UtilizationDetector.DEFAULT_STALENESS_MILLIS), false);
    int queueDepth =
        s.integer(
            "queueDepthThreshold",
            UtilizationDetector.DEFAULT_QUEUE_DEPTH_THRESHOLD,
            1,
            Integer.MAX_VALUE);
    double kv =
        s.decimal("kvCacheUtilThreshold", UtilizationDetector.DEFAULT_KV_CACHE_UTIL_THRESHOLD);
    double headroom = s.decimal("headroom", UtilizationDetector.DEFAULT_HEADROOM);
    checkUtilization(s, queueDepth, kv, staleness, headroom);
    long maxConcurrency =
        s.longValue("maxConcurrency", ConcurrencyDetector.DEFAULT_MAX_REQUESTS, 0, Long.MAX_VALUE);
    long maxTokens = s.longValue("maxTokenConcurrency", 0, 0, Long.MAX_VALUE);
    try {
      ConcurrencyDetector unused = ConcurrencyDetector.of(maxConcurrency, maxTokens);
    } catch (IllegalArgumentException e) {
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

  /**
   * Checks the {@code utilization} thresholds with the core detector's own builder, so that the
   * gateway accepts exactly what the detector does; each problem is reported at its path, as {@code
   * saturation.kvCacheUtilThreshold: 2.0 (expected in (0, 1])}.
   */
  private static void checkUtilization(
      YamlSection s, int queueDepth, double kv, Duration staleness, double headroom) {
    try {
      UtilizationDetector unused =
          UtilizationDetector.builder(Ticker.system())
              .queueDepthThreshold(queueDepth)
              .kvCacheUtilThreshold(kv)
              .staleness(staleness)
              .headroom(headroom)
              .build();
    } catch (IllegalArgumentException e) {
      // The core lists "field: value (expected: ...)" problems joined by "; ".
      for (String problem : String.valueOf(e.getMessage()).split("; ", -1)) {
        s.error(s.prefix() + "." + problem.replace("(expected: ", "(expected "));
      }
    }
  }
}
