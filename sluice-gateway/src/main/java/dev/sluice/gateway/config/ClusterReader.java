package dev.sluice.gateway.config;

import com.fasterxml.jackson.databind.node.MissingNode;
import dev.sluice.cluster.FailurePolicy;
import dev.sluice.gateway.config.ClusterConfig.Limit;
import dev.sluice.gateway.config.ClusterConfig.Mode;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code cluster} section: the mode, the Redis address, the pool and replica names, the
 * sync timings, and the global limits and fairness. Every problem goes, with its path, to the
 * section's errors. Stateless.
 */
final class ClusterReader {

  private ClusterReader() {}

  /**
   * The section; {@code tenants} is the tenants section's mode, as global fairness is not
   * hierarchical (per tenant, then per end user) yet.
   */
  static ClusterConfig read(YamlSection s, TenantsConfig.Mode tenants) {
    ClusterConfig none = ClusterConfig.none();
    if (s.node().isMissingNode()) {
      return none;
    }
    s.keys(
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
    Mode mode = s.choice("mode", "local", "redis").equals("redis") ? Mode.REDIS : Mode.LOCAL;
    String uri = s.optionalString("uri");
    if (uri != null) {
      try {
        RedisURI.create(uri);
      } catch (IllegalArgumentException e) {
        // The value is not repeated: it may hold a password.
        s.error(s.path("uri") + ": not a Redis URI (expected one such as redis://host:6379)");
      }
    } else if (mode == Mode.REDIS) {
      s.error(
          s.path("uri")
              + ": missing (expected a Redis URI such as redis://host:6379 in mode redis)");
    }
    Duration sync = s.duration("syncInterval", none.syncInterval(), false);
    Duration heartbeat = s.duration("heartbeatInterval", none.heartbeatInterval(), false);
    if (sync.compareTo(heartbeat) > 0) {
      s.error(
          s.path("syncInterval")
              + ": "
              + sync
              + " (expected <= "
              + s.path("heartbeatInterval")
              + ", "
              + heartbeat
              + ")");
    }
    Limit poolLimit = poolLimit(s.section("limits").keys("pool").section("pool"));
    boolean globalFairness = globalFairness(s, tenants);
    if (mode == Mode.REDIS && poolLimit == null && !globalFairness) {
      s.error(
          s.path("limits")
              + ": none (expected 'pool', or "
              + s.path("fairness")
              + ": global, in mode redis)");
    }
    String pool = name(s, "pool");
    return new ClusterConfig(
        mode,
        uri,
        pool == null ? none.pool() : pool,
        name(s, "replicaId"),
        sync,
        heartbeat,
        s.duration("commandTimeout", none.commandTimeout(), false),
        s.duration("decay", none.decay(), false),
        s.bool("strict", none.strict()),
        s.longValue("headroom", none.headroom(), 0, Long.MAX_VALUE),
        s.integer("expectedReplicas", none.expectedReplicas(), 1, Integer.MAX_VALUE),
        poolLimit,
        globalFairness);
  }

  private static boolean globalFairness(YamlSection s, TenantsConfig.Mode tenants) {
    if (s.choice("fairness", "local", "global").equals("local")) {
      return false;
    }
    if (tenants == TenantsConfig.Mode.KEYS) {
      s.error(
          s.path("fairness")
              + ": 'global' (expected local with tenants.mode keys: fairness between"
              + " tenants is not shared across replicas yet)");
      return false;
    }
    return true;
  }

  private static @Nullable Limit poolLimit(YamlSection pool) {
    if (pool.node().isMissingNode()) {
      return null;
    }
    pool.keys("limit", "failurePolicy");
    if (pool.node().path("limit").isMissingNode()) {
      pool.error(pool.path("limit"), MissingNode.getInstance(), "an integer >= 1");
    }
    long limit = pool.longValue("limit", 1, 1, Long.MAX_VALUE);
    FailurePolicy failurePolicy =
        pool.choice("failurePolicy", "failOpen", "failClosed").equals("failClosed")
            ? FailurePolicy.FAIL_CLOSED
            : FailurePolicy.FAIL_OPEN;
    return new Limit(limit, failurePolicy);
  }

  /** The name at {@code key}, one that may sit in a Redis key: non-empty, no curly braces. */
  private static @Nullable String name(YamlSection s, String key) {
    String name = s.optionalString(key);
    if (name != null && name.isBlank()) {
      s.error(s.path(key) + ": '" + name + "' (expected a non-empty string)");
      return null;
    }
    if (name != null && (name.indexOf('{') >= 0 || name.indexOf('}') >= 0)) {
      s.error(s.path(key) + ": '" + name + "' (expected no curly braces)");
      return null;
    }
    return name;
  }
}
