package dev.sluice.gateway.internal.metrics;

import static dev.sluice.internal.Preconditions.checkArgument;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the values of the {@code fairness_id} metric label, so a client inventing ids cannot blow
 * up the metric series: the first {@code limit} distinct ids get a label, every later one is
 * reported as {@value #OTHER}; an id longer than {@code maxLength} characters is cut to a prefix
 * plus {@code ~} and {@value #HASH_CHARS} hex digits of its SHA-256, {@code maxLength} characters
 * in all, so distinct long ids keep distinct labels (up to a 48-bit hash collision). Thread-safe;
 * once admitted, an id keeps its label.
 */
public final class FairnessLabels {

  /** The label of ids beyond the limit. */
  public static final String OTHER = "other";

  /** Hex digits of the hash that ends a truncated label. */
  public static final int HASH_CHARS = 12;

  /** The shortest {@code maxLength}: room for the hash, its separator and a short prefix. */
  public static final int MIN_MAX_LENGTH = 16;

  private final int limit;
  private final int maxLength;
  private final Map<String, String> admitted = new ConcurrentHashMap<>();
  private final AtomicInteger count = new AtomicInteger();

  /** Keeps at most {@code limit} distinct ids, each label at most {@code maxLength} characters. */
  public FairnessLabels(int limit, int maxLength) {
    checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    checkArgument(
        maxLength >= MIN_MAX_LENGTH, "maxLength: %s (expected: >= %s)", maxLength, MIN_MAX_LENGTH);
    this.limit = limit;
    this.maxLength = maxLength;
  }

  /** The label value for {@code id}. */
  public String label(String id) {
    String label = admitted.get(id);
    if (label != null) {
      return label;
    }
    if (count.get() >= limit) {
      return OTHER;
    }
    synchronized (this) {
      label = admitted.get(id);
      if (label != null) {
        return label;
      }
      if (count.get() >= limit) {
        return OTHER;
      }
      label = bounded(id, maxLength);
      admitted.put(id, label);
      count.incrementAndGet();
      return label;
    }
  }

  /** {@code id} if it has at most {@code maxLength} characters, else a prefix and its hash. */
  static String bounded(String id, int maxLength) {
    if (id.length() <= maxLength) {
      return id;
    }
    int prefix = maxLength - HASH_CHARS - 1;
    if (Character.isHighSurrogate(id.charAt(prefix - 1))) {
      prefix--;
    }
    return id.substring(0, prefix) + "~" + hash(id);
  }

  private static String hash(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, HASH_CHARS / 2);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
