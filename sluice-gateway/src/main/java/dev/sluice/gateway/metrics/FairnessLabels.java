package dev.sluice.gateway.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the values of the {@code fairness_id} metric label: the first {@code limit} distinct ids
 * keep their name, every later one is reported as {@value #OTHER}, so a client inventing ids
 * cannot blow up the metric series. Thread-safe; once admitted, an id keeps its label.
 */
public final class FairnessLabels {

  /** The label of ids beyond the limit. */
  public static final String OTHER = "other";

  private final int limit;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger count = new AtomicInteger();

  /** Keeps at most {@code limit} distinct ids. */
  public FairnessLabels(int limit) {
    this.limit = limit;
  }

  /** The label value for {@code id}. */
  public String label(String id) {
    if (admitted.contains(id)) {
      return id;
    }
    if (count.get() >= limit) {
      return OTHER;
    }
    synchronized (this) {
      if (admitted.contains(id)) {
        return id;
      }
      if (count.get() >= limit) {
        return OTHER;
      }
      admitted.add(id);
      count.incrementAndGet();
      return id;
    }
  }
}
