package dev.sluice.sim.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.YamlSection;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link LoadSpec} from YAML (format in the module README) with the gateway's and the
 * pipeline's section reader ({@link YamlSection}): unknown keys, wrong types and bad values are
 * collected with their paths ({@code tenants[0].slo.ttft}) and reported together. Stateless and
 * thread-safe.
 */
public final class LoadSpecYaml {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Duration ABSENT = Duration.ofNanos(-1);

  private LoadSpecYaml() {}

  /**
   * Parses {@code yaml}.
   *
   * @throws IllegalArgumentException naming every bad key by its path, one per line
   */
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
    List<String> errors = new ArrayList<>();
    YamlSection top =
        new YamlSection("", root, errors)
            .keys(
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
    LoadSpec.Builder builder = LoadSpec.builder();
    String target = top.optionalString("target");
    if (target != null) builder.target(target);
    String path = top.optionalString("path");
    if (path != null) builder.path(path);
    String model = top.optionalString("model");
    if (model != null) builder.model(model);
    if (top.choice("mode", "open-loop", "closed-loop").equals("open-loop")) {
      builder.openLoop(top.decimal("rate", 10));
    } else {
      builder.closedLoop(top.integer("concurrency", 8, Integer.MIN_VALUE, Integer.MAX_VALUE));
    }
    Integer maxRequests = top.optionalInteger("maxRequests", Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (maxRequests != null) builder.maxRequests(maxRequests);
    Duration duration = top.duration("duration", ABSENT, true);
    if (!ABSENT.equals(duration)) builder.duration(duration);
    Duration drainTimeout = top.duration("drainTimeout", ABSENT, true);
    if (!ABSENT.equals(drainTimeout)) builder.drainTimeout(drainTimeout);
    Long seed = top.optionalLong("seed", Long.MIN_VALUE, Long.MAX_VALUE);
    if (seed != null) builder.seed(seed);
    builder.allowNonLoopback(top.bool("allowNonLoopback", false));
    if (top.has("slo")) builder.slo(slo(top.section("slo")));
    JsonNode tenants = top.node().path("tenants");
    if (!tenants.isArray() || tenants.isEmpty()) {
      errors.add("tenants: expected a non-empty list");
    } else {
      for (int i = 0; i < tenants.size(); i++) {
        Tenant tenant = tenant(top.at("tenants[" + i + "]", tenants.get(i)));
        if (tenant != null) builder.tenant(tenant);
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors));
    }
    return builder.build();
  }

  private static @Nullable Tenant tenant(YamlSection s) {
    if (!s.node().isObject()) {
      s.error(s.prefix() + ": expected a mapping");
      return null;
    }
    s.keys(
        "name",
        "fairnessId",
        "objective",
        "priority",
        "share",
        "promptTokens",
        "outputTokens",
        "slo",
        "headers");
    String name = s.optionalString("name");
    if (name == null) {
      s.error(s.path("name") + ": missing (expected a string)");
      name = "";
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode headerNode = s.node().path("headers");
    if (headerNode.isObject()) {
      headerNode.properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
    } else if (!headerNode.isMissingNode() && !headerNode.isNull()) {
      s.error(s.path("headers"), headerNode, "a mapping of header names to values");
    }
    return new Tenant(
        name,
        s.string("fairnessId", name),
        s.optionalString("objective"),
        s.integer("priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
        s.decimal("share", 1),
        s.integer("promptTokens", 128, Integer.MIN_VALUE, Integer.MAX_VALUE),
        s.integer("outputTokens", 64, Integer.MIN_VALUE, Integer.MAX_VALUE),
        s.has("slo") ? slo(s.section("slo")) : null,
        headers);
  }

  private static Slo slo(YamlSection s) {
    s.keys("ttft", "tpot", "itl", "ntpot", "e2e");
    return new Slo(
        optionalDuration(s, "ttft"),
        optionalDuration(s, "tpot"),
        optionalDuration(s, "itl"),
        optionalDuration(s, "ntpot"),
        optionalDuration(s, "e2e"));
  }

  /** The duration at {@code key}, or {@code null} when the key is absent. */
  private static @Nullable Duration optionalDuration(YamlSection s, String key) {
    Duration value = s.duration(key, ABSENT, true);
    return ABSENT.equals(value) ? null : value;
  }
}
