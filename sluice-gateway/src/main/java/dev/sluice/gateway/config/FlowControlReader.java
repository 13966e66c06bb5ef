package dev.sluice.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.YamlSection;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowConfigException;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.queue.QueueFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code flowControl} section into the core's {@link FlowControllerConfig}, and notes
 * which bands preempt (a gateway setting, not the core's). Every problem goes, with its path, to
 * the section's errors. Confined to one thread: one instance reads one section.
 */
final class FlowControlReader {

  private final Set<Integer> preempting = new HashSet<>();

  /** The priorities of the bands marked {@code preempt: true}, once {@link #read} returned. */
  Set<Integer> preempting() {
    return preempting;
  }

  /** The controller's configuration, or {@code null} if the section has errors. */
  @Nullable FlowControllerConfig read(YamlSection s) {
    s.keys(
        "maxBytes",
        "maxRequests",
        "defaultTtl",
        "noEndpointTtl",
        "displacement",
        "rejectSheddableWhenSaturated",
        "shards",
        "flowIdleTimeout",
        "bandIdleTimeout",
        "usageLimit",
        "bands",
        "defaultBand",
        "defaultSheddableBand");
    FlowControllerConfig.Builder builder =
        FlowControllerConfig.builder()
            .maxBytes(s.longValue("maxBytes", 0, Long.MIN_VALUE, Long.MAX_VALUE))
            .maxRequests(s.longValue("maxRequests", 0, Long.MIN_VALUE, Long.MAX_VALUE))
            .defaultTtl(s.duration("defaultTtl", Duration.ofSeconds(60), true))
            .displacement(s.bool("displacement", FlowControllerConfig.DEFAULT_DISPLACEMENT))
            .rejectSheddableWhenSaturated(
                s.bool(
                    "rejectSheddableWhenSaturated",
                    FlowControllerConfig.DEFAULT_REJECT_SHEDDABLE_WHEN_SATURATED))
            .shards(
                s.integer(
                    "shards",
                    FlowControllerConfig.DEFAULT_SHARDS,
                    Integer.MIN_VALUE,
                    Integer.MAX_VALUE))
            .flowIdleTimeout(
                s.duration(
                    "flowIdleTimeout",
                    Duration.ofSeconds(FlowControllerConfig.DEFAULT_FLOW_IDLE_TIMEOUT_SECONDS),
                    true))
            .bandIdleTimeout(
                s.duration(
                    "bandIdleTimeout",
                    Duration.ofSeconds(FlowControllerConfig.DEFAULT_BAND_IDLE_TIMEOUT_SECONDS),
                    true));
    String usageLimit = s.optionalString("usageLimit");
    if (usageLimit != null) {
      UsageLimitPolicy policy = s.named("usageLimit", usageLimit, UsageLimitPolicy::named);
      if (policy != null) {
        builder.usageLimitPolicy(policy);
      }
    }
    JsonNode bandsNode = s.node().path("bands");
    if (!bandsNode.isMissingNode() && !bandsNode.isNull()) {
      if (!bandsNode.isArray()) {
        s.error(s.path("bands"), bandsNode, "a list of bands");
      } else {
        List<BandConfig> bands = new ArrayList<>();
        for (int i = 0; i < bandsNode.size(); i++) {
          YamlSection band = s.at(s.path("bands") + "[" + i + "]", bandsNode.get(i));
          if (!bandsNode.get(i).isObject()) {
            band.error(band.prefix(), bandsNode.get(i), "a band {priority, maxRequests, ...}");
            continue;
          }
          Integer priority = band.optionalInteger("priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
          if (priority == null) {
            band.error(band.path("priority") + ": missing (expected an integer)");
            continue;
          }
          if (band.bool("preempt", false)) {
            preempting.add(priority);
          }
          bands.add(band(band, BandConfig.builder(priority)));
        }
        builder.bands(bands);
      }
    }
    YamlSection defaultBand = s.section("defaultBand");
    if (!defaultBand.node().isMissingNode()) {
      builder.defaultBand(template(defaultBand));
    }
    YamlSection sheddable = s.section("defaultSheddableBand");
    if (!sheddable.node().isMissingNode()) {
      builder.defaultSheddableBand(template(sheddable));
    }
    try {
      return builder.build();
    } catch (FlowConfigException e) {
      for (String error : e.errors()) {
        s.error("flowControl." + error);
      }
      return null;
    }
  }

  private BandConfig template(YamlSection s) {
    if (s.node().has("preempt")) {
      s.error(
          s.path("preempt")
              + ": not allowed in a template (expected: in a flowControl.bands[] entry)");
    }
    return band(s, BandConfig.template());
  }

  private BandConfig band(YamlSection s, BandConfig.Builder builder) {
    s.keys(
        "priority",
        "preempt",
        "maxBytes",
        "maxRequests",
        "maxFlowBytes",
        "maxFlowRequests",
        "fairness",
        "ordering",
        "queue");
    builder
        .maxBytes(
            s.longValue("maxBytes", BandConfig.DEFAULT_MAX_BYTES, Long.MIN_VALUE, Long.MAX_VALUE))
        .maxRequests(
            s.longValue(
                "maxRequests", BandConfig.DEFAULT_MAX_REQUESTS, Long.MIN_VALUE, Long.MAX_VALUE))
        .maxFlowBytes(s.longValue("maxFlowBytes", 0, Long.MIN_VALUE, Long.MAX_VALUE))
        .maxFlowRequests(s.longValue("maxFlowRequests", 0, Long.MIN_VALUE, Long.MAX_VALUE));
    String fairnessName = s.optionalString("fairness"); // absent: the core's default, weighted-fair
    if (fairnessName != null) {
      FairnessPolicy fairness = s.named("fairness", fairnessName, FairnessPolicy::named);
      if (fairness != null) {
        builder.fairness(fairness);
      }
    }
    OrderingPolicy ordering =
        s.named("ordering", s.string("ordering", "fcfs"), OrderingPolicy::named);
    if (ordering != null) {
      builder.ordering(ordering);
    }
    String queue = s.optionalString("queue");
    if (queue != null) {
      QueueFactory factory = s.named("queue", queue, QueueFactory::named);
      if (factory != null) {
        builder.queue(factory);
      }
    }
    return builder.build();
  }
}
