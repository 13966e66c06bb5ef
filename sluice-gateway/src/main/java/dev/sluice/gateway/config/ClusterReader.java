package dev.sluice.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cluster.FailurePolicy;
import dev.sluice.gateway.config.ClusterConfig.Limit;
import dev.sluice.gateway.config.ClusterConfig.Mode;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code cluster} section into a {@link ClusterConfig}, adding every problem, with its
 * path, to the reader's errors. Confined to one thread.
 */
final class ClusterReader {

  private static final List<String> KEYS =
      List.of(
          "mode",
          "uri",
          "pool",
          "replicaId",
          "syncInterval",
          "heartbeatInterval",
          "commandTimeout",
          "decay",
          "strict",
          "headroom",
          "expectedReplicas",
          "limits",
          "fairness");

  private final List<String> errors;

  ClusterReader(List<String> errors) {
    this.errors = errors;
  }

  /**
   * The section at {@code node}; {@code tenants} is the tenants section's mode, as global fairness
   * is not hierarchical (per tenant, then per end user) yet.
   */
  ClusterConfig read(JsonNode node, GatewayConfig.TenantMode tenants) {
    ClusterConfig none = ClusterConfig.none();
    if (node.isMissingNode() || node.isNull()) {
      return none;
    }
    if (!isMapping(node, "cluster", KEYS)) {
      return none;
    }
    Mode mode = mode(node.path("mode"));
    String uri = text(node.path("uri"), "cluster.uri");
    if (uri != null) {
      try {
        RedisURI.create(uri);
      } catch (IllegalArgumentException e) {
        // The value is not repeated: it may hold a password.
        errors.add("cluster.uri: not a Redis URI (expected one such as redis://host:6379)");
      }
    } else if (mode == Mode.REDIS) {
      errors.add(
          "cluster.uri: missing (expected a Redis URI such as redis://host:6379 in mode redis)");
    }
    Duration sync = duration(node, "syncInterval", none.syncInterval());
    Duration heartbeat = duration(node, "heartbeatInterval", none.heartbeatInterval());
    if (sync.compareTo(heartbeat) > 0) {
      errors.add(
          "cluster.syncInterval: "
              + sync
              + " (expected <= cluster.heartbeatInterval, "
              + heartbeat
              + ")");
    }
    Limit poolLimit = limits(node.path("limits"));
    boolean globalFairness = fairness(node.path("fairness"), tenants);
    if (mode == Mode.REDIS && poolLimit == null && !globalFairness) {
      errors.add(
          "cluster.limits: none (expected 'pool', or cluster.fairness: global, in mode redis)");
    }
    String pool = name(node, "pool");
    return new ClusterConfig(
        mode,
        uri,
        pool == null ? none.pool() : pool,
        name(node, "replicaId"),
        sync,
        heartbeat,
        duration(node, "commandTimeout", none.commandTimeout()),
        duration(node, "decay", none.decay()),
        bool(node, "strict"),
        integer(node.path("headroom"), "cluster.headroom", 0, 0, Long.MAX_VALUE),
        (int)
            integer(
                node.path("expectedReplicas"), "cluster.expectedReplicas", 1, 1, Integer.MAX_VALUE),
        poolLimit,
        globalFairness);
  }

  private boolean fairness(JsonNode value, GatewayConfig.TenantMode tenants) {
    String text = text(value, "cluster.fairness");
    if (text == null || text.equals("local")) {
      return false;
    }
    if (!text.equals("global")) {
      errors.add("cluster.fairness: '" + text + "' (expected local or global)");
      return false;
    }
    if (tenants == GatewayConfig.TenantMode.KEYS) {
      errors.add(
          "cluster.fairness: 'global' (expected local with tenants.mode keys: fairness between"
              + " tenants is not shared across replicas yet)");
      return false;
    }
    return true;
  }

  private @Nullable Limit limits(JsonNode node) {
    if (node.isMissingNode()
        || node.isNull()
        || !isMapping(node, "cluster.limits", List.of("pool"))) {
      return null;
    }
    JsonNode pool = node.path("pool");
    if (pool.isMissingNode() || pool.isNull()) {
      return null;
    }
    if (!isMapping(pool, "cluster.limits.pool", List.of("limit", "failurePolicy"))) {
      return null;
    }
    if (pool.path("limit").isMissingNode()) {
      errors.add("cluster.limits.pool.limit: missing (expected an integer >= 1)");
    }
    long limit = integer(pool.path("limit"), "cluster.limits.pool.limit", 1, 1, Long.MAX_VALUE);
    return new Limit(limit, failurePolicy(pool.path("failurePolicy")));
  }

  private Mode mode(JsonNode value) {
    String text = text(value, "cluster.mode");
    if (text == null || text.equals("local")) {
      return Mode.LOCAL;
    }
    if (text.equals("redis")) {
      return Mode.REDIS;
    }
    errors.add("cluster.mode: '" + text + "' (expected local or redis)");
    return Mode.LOCAL;
  }

  private FailurePolicy failurePolicy(JsonNode value) {
    String path = "cluster.limits.pool.failurePolicy";
    String text = text(value, path);
    if (text == null || text.equals("failOpen")) {
      return FailurePolicy.FAIL_OPEN;
    }
    if (text.equals("failClosed")) {
      return FailurePolicy.FAIL_CLOSED;
    }
    errors.add(path + ": '" + text + "' (expected failOpen or failClosed)");
    return FailurePolicy.FAIL_OPEN;
  }

  /** A name that may sit in a Redis key: non-empty, no curly braces. */
  private @Nullable String name(JsonNode node, String key) {
    String text = text(node.path(key), "cluster." + key);
    if (text != null && (text.indexOf('{') >= 0 || text.indexOf('}') >= 0)) {
      errors.add("cluster." + key + ": '" + text + "' (expected no curly braces)");
      return null;
    }
    return text;
  }

  private Duration duration(JsonNode node, String key, Duration defaultValue) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    Duration parsed =
        value.isIntegralNumber()
            ? Duration.ofMillis(value.longValue())
            : value.isTextual() ? ConfigReader.parseDuration(value.asText()) : null;
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      errors.add("cluster." + key + ": " + value + " (expected a duration > 0 such as 50ms, 1s)");
      return defaultValue;
    }
    return parsed;
  }

  private boolean bool(JsonNode node, String key) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      errors.add("cluster." + key + ": " + value + " (expected true or false)");
      return false;
    }
    return value.booleanValue();
  }

  private long integer(JsonNode value, String path, long defaultValue, long min, long max) {
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.longValue() < min
        || value.longValue() > max) {
      errors.add(path + ": " + value + " (expected an integer >= " + min + ")");
      return defaultValue;
    }
    return value.longValue();
  }

  private boolean isMapping(JsonNode node, String path, List<String> known) {
    if (!node.isObject()) {
      errors.add(path + ": " + node + " (expected a mapping)");
      return false;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        errors.add(
            path + "." + key + ": unknown key (expected one of: " + String.join(", ", known) + ")");
      }
    }
    return true;
  }

  private @Nullable String text(JsonNode value, String path) {
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      errors.add(path + ": " + value + " (expected a non-empty string)");
      return null;
    }
    return value.asText();
  }
}
