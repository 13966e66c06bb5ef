package dev.sluice.sim.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link LoadSpec} from YAML (format in the module README). Unknown keys and wrong types
 * are errors naming the key. Stateless and thread-safe.
 */
public final class LoadSpecYaml {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of(
          "target",
          "path",
          "model",
          "mode",
          "rate",
          "concurrency",
          "maxRequests",
          "duration",
          "drainTimeout",
          "seed",
          "allowNonLoopback",
          "slo",
          "tenants");
  private static final Set<String> TENANT =
      Set.of(
          "name",
          "fairnessId",
          "objective",
          "priority",
          "share",
          "promptTokens",
          "outputTokens",
          "slo",
          "headers");
  private static final Set<String> SLO = Set.of("ttft", "tpot", "itl", "ntpot", "e2e");

  private LoadSpecYaml() {}

  /** Parses {@code yaml}; throws {@link IllegalArgumentException} saying what is wrong. */
  public static LoadSpec parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("load spec is not valid YAML: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("load spec: expected a mapping at the top level");
    }
    checkKeys(root, TOP, "");
    LoadSpec.Builder builder = LoadSpec.builder();
    if (root.has("target")) builder.target(text(root, "target", ""));
    if (root.has("path")) builder.path(text(root, "path", ""));
    if (root.has("model")) builder.model(text(root, "model", ""));
    String mode = root.has("mode") ? text(root, "mode", "") : "open-loop";
    if (mode.equals("open-loop")) {
      builder.openLoop(root.has("rate") ? number(root, "rate", "") : 10);
    } else if (mode.equals("closed-loop")) {
      builder.closedLoop(root.has("concurrency") ? (int) integer(root, "concurrency", "") : 8);
    } else {
      throw new IllegalArgumentException("mode: " + mode + " (expected: open-loop or closed-loop)");
    }
    if (root.has("maxRequests")) builder.maxRequests((int) integer(root, "maxRequests", ""));
    if (root.has("duration")) builder.duration(duration(root, "duration", ""));
    if (root.has("drainTimeout")) builder.drainTimeout(duration(root, "drainTimeout", ""));
    if (root.has("seed")) builder.seed(integer(root, "seed", ""));
    if (root.has("allowNonLoopback")) builder.allowNonLoopback(bool(root, "allowNonLoopback", ""));
    if (root.has("slo")) builder.slo(slo(root.get("slo"), "slo."));
    JsonNode tenants = root.get("tenants");
    if (tenants == null || !tenants.isArray() || tenants.isEmpty()) {
      throw new IllegalArgumentException("tenants: expected a non-empty list");
    }
    for (int i = 0; i < tenants.size(); i++) {
      builder.tenant(tenant(tenants.get(i), "tenants[" + i + "]."));
    }
    return builder.build();
  }

  private static Tenant tenant(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a mapping");
    }
    checkKeys(node, TENANT, where);
    String name = text(node, "name", where);
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode headerNode = node.get("headers");
    if (headerNode != null) {
      if (!headerNode.isObject()) {
        throw new IllegalArgumentException(
            where + "headers: expected a mapping of header names to values");
      }
      headerNode.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    return new Tenant(
        name,
        node.has("fairnessId") ? text(node, "fairnessId", where) : name,
        node.has("objective") ? text(node, "objective", where) : null,
        node.has("priority") ? (int) integer(node, "priority", where) : 0,
        node.has("share") ? number(node, "share", where) : 1,
        node.has("promptTokens") ? (int) integer(node, "promptTokens", where) : 128,
        node.has("outputTokens") ? (int) integer(node, "outputTokens", where) : 64,
        node.has("slo") ? slo(node.get("slo"), where + "slo.") : null,
        headers);
  }

  private static Slo slo(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": expected a mapping");
    }
    checkKeys(node, SLO, where);
    return new Slo(
        optionalDuration(node, "ttft", where),
        optionalDuration(node, "tpot", where),
        optionalDuration(node, "itl", where),
        optionalDuration(node, "ntpot", where),
        optionalDuration(node, "e2e", where));
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            where
                + key
                + ": unknown key (expected one of "
                + new java.util.TreeSet<>(allowed)
                + ")");
      }
    }
  }

  private static String text(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(where + key + ": expected a string, got " + value);
    }
    return value.asText();
  }

  private static double number(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException(where + key + ": expected a number, got " + value);
    }
    return value.asDouble();
  }

  private static long integer(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isIntegralNumber()) {
      throw new IllegalArgumentException(where + key + ": expected an integer, got " + value);
    }
    return value.asLong();
  }

  private static boolean bool(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isBoolean()) {
      throw new IllegalArgumentException(where + key + ": expected true or false, got " + value);
    }
    return value.asBoolean();
  }

  /** The duration at {@code key}, or {@code null} when the key is absent. */
  private static @Nullable Duration optionalDuration(JsonNode node, String key, String where) {
    return node.has(key) ? duration(node, key, where) : null;
  }

  private static Duration duration(JsonNode node, String key, String where) {
    JsonNode value = node.get(key);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          where + key + ": expected a duration such as 500ms, 30s or 2m, got " + value);
    }
    try {
      return Durations.parseOrThrow(value.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + key + ": " + e.getMessage());
    }
  }
}
