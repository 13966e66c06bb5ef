package dev.sluice.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.gateway.config.GatewayConfig.Admin;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.gateway.config.GatewayConfig.Identity;
import dev.sluice.gateway.config.GatewayConfig.Metrics;
import dev.sluice.gateway.config.GatewayConfig.Server;
import dev.sluice.gateway.config.GatewayConfig.Tracing;
import dev.sluice.gateway.config.GatewayConfig.Upstream;
import dev.sluice.gateway.internal.metrics.FairnessLabels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns YAML into a {@link GatewayConfig}, collecting every error with its path instead of stopping
 * at the first: the sections are read by {@link ServerReader}, {@link FlowControlReader}, {@link
 * SaturationReader}, {@link TenantsReader} and {@link ClusterReader}, each value through {@link
 * YamlSection}. Confined to one thread: one instance reads one document.
 */
final class ConfigReader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<String> errors = new ArrayList<>();

  GatewayConfig read(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      throw new ConfigException(List.of("yaml: " + e.getOriginalMessage() + locationOf(e)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    YamlSection top = new YamlSection("", root, errors);
    top.keys(
        "server",
        "admin",
        "backends",
        "upstream",
        "identity",
        "objectives",
        "flowControl",
        "saturation",
        "metrics",
        "tracing",
        "tenants",
        "cluster");
    Server server = ServerReader.server(top.section("server"));
    Admin admin = ServerReader.admin(top.section("admin"));
    List<Backend> backends = ServerReader.backends(top);
    Upstream upstream = ServerReader.upstream(top.section("upstream"));
    Identity identity = ServerReader.identity(top.section("identity"));
    Map<String, Integer> objectives = objectives(top);
    YamlSection flow = top.section("flowControl");
    Duration noEndpointTtl = flow.duration("noEndpointTtl", Duration.ofSeconds(60), true);
    FlowControlReader flowReader = new FlowControlReader();
    FlowControllerConfig flowControl = flowReader.read(flow);
    SaturationConfig saturation =
        SaturationReader.read(top.section("saturation"), flowReader.preempting());
    YamlSection metricsSection =
        top.section("metrics").keys("fairnessIdLabelLimit", "fairnessIdLabelMaxLength");
    Metrics metrics =
        new Metrics(
            metricsSection.integer("fairnessIdLabelLimit", 1000, 1, Integer.MAX_VALUE),
            metricsSection.integer(
                "fairnessIdLabelMaxLength", 64, FairnessLabels.MIN_MAX_LENGTH, Integer.MAX_VALUE));
    Tracing tracing = new Tracing(top.section("tracing").keys("enabled").bool("enabled", false));
    TenantsConfig tenants = new TenantsReader(errors).read(root.path("tenants"), objectives);
    ClusterConfig cluster = ClusterReader.read(top.section("cluster"), tenants.mode());
    if (tenants.mode() == TenantsConfig.Mode.KEYS) {
      identity = identity.withStripped("authorization"); // a Sluice key is not the backend's
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new GatewayConfig(
        server,
        admin,
        backends,
        upstream,
        identity,
        objectives,
        Objects.requireNonNull(flowControl, "null only with errors, thrown above"),
        noEndpointTtl,
        saturation,
        metrics,
        tracing,
        tenants,
        cluster);
  }

  private static String locationOf(JsonProcessingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  private static Map<String, Integer> objectives(YamlSection top) {
    JsonNode node = top.node().path("objectives");
    Map<String, Integer> objectives = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return objectives;
    }
    if (!node.isObject()) {
      top.error("objectives", node, "a map of objective name to priority, e.g. {premium: 10}");
      return objectives;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        top.error(
            "objectives." + entry.getKey(), value, "an integer priority; negative = sheddable");
        continue;
      }
      objectives.put(entry.getKey(), value.intValue());
    }
    return objectives;
  }
}
