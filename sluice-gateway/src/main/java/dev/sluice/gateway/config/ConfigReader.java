package dev.sluice.gateway.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.flow.BandConfig;
import dev.sluice.flow.FlowConfigException;
import dev.sluice.flow.FlowControllerConfig;
import dev.sluice.flow.policy.FairnessPolicy;
import dev.sluice.flow.policy.OrderingPolicy;
import dev.sluice.flow.policy.UsageLimitPolicy;
import dev.sluice.flow.queue.QueueFactory;
import dev.sluice.gateway.config.GatewayConfig.Admin;
import dev.sluice.gateway.config.GatewayConfig.Backend;
import dev.sluice.gateway.config.GatewayConfig.DetectorKind;
import dev.sluice.gateway.config.GatewayConfig.Identity;
import dev.sluice.gateway.config.GatewayConfig.Metrics;
import dev.sluice.gateway.config.GatewayConfig.Saturation;
import dev.sluice.gateway.config.GatewayConfig.Server;
import dev.sluice.gateway.config.GatewayConfig.TenantMode;
import dev.sluice.gateway.config.GatewayConfig.Tenants;
import dev.sluice.gateway.config.GatewayConfig.Tracing;
import dev.sluice.gateway.config.GatewayConfig.Upstream;
import dev.sluice.gateway.metrics.FairnessLabels;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Turns YAML into a {@link GatewayConfig}, collecting every error with its path instead of stopping
 * at the first. Confined to one thread: one instance reads one document.
 */
final class ConfigReader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|us|ns)");
  private static final long MIB = 1024 * 1024;

  private final List<String> errors = new ArrayList<>();
  private final Set<Integer> preempting = new HashSet<>();

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
    Section top = new Section("", root);
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
    Server server = server(top.section("server"));
    Admin admin = admin(top.section("admin"));
    List<Backend> backends = backends(top);
    Upstream upstream = upstream(top.section("upstream"));
    Identity identity = identity(top.section("identity"));
    Map<String, Integer> objectives = objectives(top);
    Section flow = top.section("flowControl");
    Duration noEndpointTtl = flow.duration("noEndpointTtl", Duration.ofSeconds(60), true);
    FlowControllerConfig flowControl = flowControl(flow);
    Saturation saturation = saturation(top.section("saturation"));
    Section metricsSection =
        top.section("metrics").keys("fairnessIdLabelLimit", "fairnessIdLabelMaxLength");
    Metrics metrics =
        new Metrics(
            metricsSection.integer("fairnessIdLabelLimit", 1000, 1, Integer.MAX_VALUE),
            metricsSection.integer(
                "fairnessIdLabelMaxLength", 64, FairnessLabels.MIN_MAX_LENGTH, Integer.MAX_VALUE));
    Tracing tracing = new Tracing(top.section("tracing").keys("enabled").bool("enabled", false));
    Tenants tenants = new TenantsReader(errors).read(root.path("tenants"), objectives);
    ClusterConfig cluster = new ClusterReader(errors).read(root.path("cluster"), tenants.mode());
    if (tenants.mode() == TenantMode.KEYS) {
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

  private Server server(Section s) {
    s.keys(
        "host",
        "port",
        "maxRequestBytes",
        "gracefulShutdown",
        "retryAfter",
        "requestBodyTimeout",
        "maxBufferedRequestBytes");
    long maxRequestBytes = s.longValue("maxRequestBytes", 16 * MIB, 1, Integer.MAX_VALUE);
    Long maxBuffered = s.optionalLong("maxBufferedRequestBytes", 1, Long.MAX_VALUE);
    if (maxBuffered == null) {
      maxBuffered = Math.max(maxRequestBytes, defaultMaxBufferedRequestBytes());
    } else if (maxBuffered < maxRequestBytes) {
      errors.add(
          s.path("maxBufferedRequestBytes")
              + ": "
              + maxBuffered
              + " (expected >= "
              + s.path("maxRequestBytes")
              + ", "
              + maxRequestBytes
              + ")");
    }
    return new Server(
        s.string("host", "127.0.0.1"),
        s.integer("port", 8080, 0, 65535),
        maxRequestBytes,
        s.duration("gracefulShutdown", Duration.ofSeconds(30), true),
        s.duration("retryAfter", Duration.ofSeconds(1), true),
        s.duration("requestBodyTimeout", Duration.ofSeconds(30), true),
        maxBuffered);
  }

  /**
   * A quarter of the maximum heap: a body is copied at least once while it is aggregated and
   * parsed, and the rest of the heap serves queues, streams and the metrics.
   */
  static long defaultMaxBufferedRequestBytes() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  private Admin admin(Section s) {
    s.keys("host", "port");
    return new Admin(s.string("host", "127.0.0.1"), s.integer("port", 9090, -1, 65535));
  }

  private List<Backend> backends(Section top) {
    JsonNode node = top.node.path("backends");
    List<Backend> backends = new ArrayList<>();
    if (node.isMissingNode() || node.isNull()) {
      return backends;
    }
    if (!node.isArray()) {
      error("backends", node, "a list of backends");
      return backends;
    }
    Set<String> seen = new LinkedHashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String path = "backends[" + i + "]";
      JsonNode item = node.get(i);
      Section s =
          item.isTextual()
              ? new Section(path, YAML.createObjectNode().put("url", item.asText()))
              : new Section(path, item);
      if (!item.isTextual() && !item.isObject()) {
        error(path, item, "a URL or {url, metricsPath, enginePriority}");
        continue;
      }
      s.keys("url", "metricsPath", "enginePriority");
      String url = s.optionalString("url");
      String metricsPath = s.string("metricsPath", "/metrics");
      if (!metricsPath.startsWith("/")) {
        errors.add(path + ".metricsPath: '" + metricsPath + "' (expected a path starting with /)");
      }
      if (url == null) {
        errors.add(path + ".url: missing (expected an http URL such as http://127.0.0.1:8001)");
        continue;
      }
      URI uri = httpUri(url);
      if (uri == null) {
        errors.add(
            s.path("url")
                + ": '"
                + url
                + "' (expected http://host:port with no path, e.g. http://127.0.0.1:8001)");
        continue;
      }
      Backend backend = new Backend(uri, metricsPath, s.bool("enginePriority", false));
      if (!seen.add(backend.name())) {
        errors.add(
            s.path("url")
                + ": '"
                + url
                + "' (expected unique; "
                + backend.name()
                + " is listed twice)");
        continue;
      }
      backends.add(backend);
    }
    return backends;
  }

  private static @Nullable URI httpUri(String url) {
    try {
      URI uri = new URI(url);
      String path = uri.getRawPath();
      if (!"http".equals(uri.getScheme())
          || uri.getHost() == null
          || uri.getPort() < 1
          || (path != null && !path.isEmpty() && !path.equals("/"))
          || uri.getRawQuery() != null) {
        return null;
      }
      return new URI("http", null, uri.getHost(), uri.getPort(), null, null, null);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private Upstream upstream(Section s) {
    s.keys("connectTimeout", "responseTimeout");
    return new Upstream(
        s.duration("connectTimeout", Duration.ofSeconds(3), false),
        s.duration("responseTimeout", Duration.ZERO, true));
  }

  private Identity identity(Section s) {
    s.keys(
        "fairnessIdHeaders",
        "defaultFairnessId",
        "objectiveHeaders",
        "priorityHeader",
        "ttlHeaders",
        "sloTtftHeaders",
        "stripHeaders");
    List<String> fairness =
        s.headers(
            "fairnessIdHeaders",
            List.of("x-gateway-inference-fairness-id", "x-llm-d-inference-fairness-id"));
    String defaultId = s.string("defaultFairnessId", "default-flow");
    if (defaultId.isBlank()) {
      errors.add(s.path("defaultFairnessId") + ": '' (expected a non-blank id)");
    }
    List<String> objective =
        s.headers(
            "objectiveHeaders",
            List.of("x-gateway-inference-objective", "x-llm-d-inference-objective"));
    String priority = s.optionalString("priorityHeader");
    if (priority != null) {
      priority = priority.toLowerCase(Locale.ROOT);
    }
    List<String> ttl =
        s.headers("ttlHeaders", List.of("x-sluice-ttl-ms", "x-llm-d-inference-ttl-ms"));
    List<String> slo = s.headers("sloTtftHeaders", List.of("x-slo-ttft-ms", "x-llm-d-slo-ttft-ms"));
    List<String> strippedDefault = new ArrayList<>(fairness);
    strippedDefault.addAll(objective);
    strippedDefault.addAll(ttl);
    if (priority != null) {
      strippedDefault.add(priority);
    }
    List<String> stripped = s.headers("stripHeaders", strippedDefault);
    return new Identity(fairness, defaultId, objective, priority, ttl, slo, stripped);
  }

  private Map<String, Integer> objectives(Section top) {
    JsonNode node = top.node.path("objectives");
    Map<String, Integer> objectives = new LinkedHashMap<>();
    if (node.isMissingNode() || node.isNull()) {
      return objectives;
    }
    if (!node.isObject()) {
      error("objectives", node, "a map of objective name to priority, e.g. {premium: 10}");
      return objectives;
    }
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        error("objectives." + entry.getKey(), value, "an integer priority; negative = sheddable");
        continue;
      }
      objectives.put(entry.getKey(), value.intValue());
    }
    return objectives;
  }

  private @Nullable FlowControllerConfig flowControl(Section s) {
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
    JsonNode bandsNode = s.node.path("bands");
    if (!bandsNode.isMissingNode() && !bandsNode.isNull()) {
      if (!bandsNode.isArray()) {
        error(s.path("bands"), bandsNode, "a list of bands");
      } else {
        List<BandConfig> bands = new ArrayList<>();
        for (int i = 0; i < bandsNode.size(); i++) {
          Section band = new Section(s.path("bands") + "[" + i + "]", bandsNode.get(i));
          if (!bandsNode.get(i).isObject()) {
            error(band.prefix, bandsNode.get(i), "a band {priority, maxRequests, ...}");
            continue;
          }
          Integer priority = band.optionalInteger("priority", Integer.MIN_VALUE, Integer.MAX_VALUE);
          if (priority == null) {
            errors.add(band.path("priority") + ": missing (expected an integer)");
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
    Section defaultBand = s.section("defaultBand");
    if (!defaultBand.node.isMissingNode()) {
      builder.defaultBand(template(defaultBand));
    }
    Section sheddable = s.section("defaultSheddableBand");
    if (!sheddable.node.isMissingNode()) {
      builder.defaultSheddableBand(template(sheddable));
    }
    try {
      return builder.build();
    } catch (FlowConfigException e) {
      for (String error : e.errors()) {
        errors.add("flowControl." + error);
      }
      return null;
    }
  }

  private BandConfig template(Section s) {
    if (s.node.has("preempt")) {
      errors.add(
          s.path("preempt")
              + ": not allowed in a template (expected: in a flowControl.bands[] entry)");
    }
    return band(s, BandConfig.template());
  }

  private BandConfig band(Section s, BandConfig.Builder builder) {
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

  private Saturation saturation(Section s) {
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
    String detectorName = s.string("detector", "slots");
    DetectorKind detector =
        switch (detectorName) {
          case "slots" -> DetectorKind.SLOTS;
          case "utilization" -> DetectorKind.UTILIZATION;
          case "concurrency" -> DetectorKind.CONCURRENCY;
          default -> {
            errors.add(
                s.path("detector")
                    + ": '"
                    + detectorName
                    + "' (expected one of: slots, utilization, concurrency)");
            yield DetectorKind.SLOTS;
          }
        };
    Duration interval = s.duration("scrapeInterval", Duration.ofMillis(50), false);
    Duration timeout = s.duration("scrapeTimeout", Duration.ofSeconds(1), false);
    Duration staleness = s.duration("staleness", Duration.ofMillis(200), false);
    int queueDepth = s.integer("queueDepthThreshold", 5, 1, Integer.MAX_VALUE);
    double kv = s.decimal("kvCacheUtilThreshold", 0.8);
    if (!(kv > 0 && kv <= 1)) {
      errors.add(s.path("kvCacheUtilThreshold") + ": " + kv + " (expected in (0, 1])");
    }
    double headroom = s.decimal("headroom", 0.0);
    if (!(headroom >= 0) || Double.isInfinite(headroom)) {
      errors.add(s.path("headroom") + ": " + headroom + " (expected >= 0)");
    }
    long maxConcurrency = s.longValue("maxConcurrency", 100, 0, Long.MAX_VALUE);
    long maxTokens = s.longValue("maxTokenConcurrency", 0, 0, Long.MAX_VALUE);
    if (maxConcurrency == 0 && maxTokens == 0) {
      errors.add(s.path("maxConcurrency") + ": 0 (expected > 0 unless maxTokenConcurrency is set)");
    }
    Duration slotHold = s.duration("slotHold", Duration.ofMillis(50), true);
    return new Saturation(
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

  private void error(String path, JsonNode value, String expected) {
    errors.add(path + ": " + render(value) + " (expected " + expected + ")");
  }

  private static String render(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "missing";
    }
    if (value.isTextual()) {
      return "'" + value.asText() + "'";
    }
    return value.toString();
  }

  /**
   * Parses {@code 50ms}, {@code 2s}, {@code 1.5m}, {@code 1h}, ISO-8601 {@code PT2S}, or bare
   * milliseconds.
   */
  static @Nullable Duration parseDuration(String text) {
    String trimmed = text.trim();
    Matcher m = DURATION.matcher(trimmed);
    if (m.matches()) {
      double amount = Double.parseDouble(m.group(1));
      double nanosPerUnit =
          switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
          };
      return Duration.ofNanos(Math.round(amount * nanosPerUnit));
    }
    if (trimmed.matches("\\d+")) {
      return Duration.ofMillis(Long.parseLong(trimmed));
    }
    try {
      return Duration.parse(trimmed);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** One mapping in the document and its path, for reading typed values. */
  private final class Section {
    final String prefix;
    final JsonNode node;

    Section(String prefix, JsonNode node) {
      this.prefix = prefix;
      this.node = node == null ? MissingNode.getInstance() : node;
    }

    String path(String key) {
      return prefix.isEmpty() ? key : prefix + "." + key;
    }

    Section section(String key) {
      JsonNode child = node.path(key);
      if (!child.isMissingNode() && !child.isNull() && !child.isObject()) {
        error(path(key), child, "a mapping");
        return new Section(path(key), MissingNode.getInstance());
      }
      return new Section(path(key), child.isNull() ? MissingNode.getInstance() : child);
    }

    /** Reports keys other than {@code known}. */
    Section keys(String... known) {
      if (!node.isObject()) {
        return this;
      }
      Set<String> allowed = Set.of(known);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!allowed.contains(key)) {
          errors.add(
              path(key) + ": unknown key (expected one of: " + String.join(", ", known) + ")");
        }
      }
      return this;
    }

    private JsonNode value(String key) {
      JsonNode value = node.path(key);
      return value.isNull() ? MissingNode.getInstance() : value;
    }

    String string(String key, String defaultValue) {
      String value = optionalString(key);
      return value == null ? defaultValue : value;
    }

    /** The string at {@code key}, or {@code null} if it is absent (or not a string: an error). */
    @Nullable String optionalString(String key) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return null;
      }
      if (!value.isTextual()) {
        error(path(key), value, "a string");
        return null;
      }
      return value.asText();
    }

    boolean bool(String key, boolean defaultValue) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      if (!value.isBoolean()) {
        error(path(key), value, "true or false");
        return defaultValue;
      }
      return value.booleanValue();
    }

    int integer(String key, int defaultValue, int min, int max) {
      return (int) longValue(key, defaultValue, min, max);
    }

    /** The integer at {@code key}, or {@code null} if absent or invalid (an error). */
    @Nullable Integer optionalInteger(String key, int min, int max) {
      Long value = optionalLong(key, min, max);
      return value == null ? null : (int) (long) value;
    }

    long longValue(String key, long defaultValue, long min, long max) {
      Long value = optionalLong(key, min, max);
      return value == null ? defaultValue : value;
    }

    /** The integer at {@code key}, or {@code null} if absent or invalid (an error). */
    @Nullable Long optionalLong(String key, long min, long max) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return null;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        error(path(key), value, "an integer");
        return null;
      }
      long v = value.longValue();
      if (v < min || v > max) {
        String range =
            max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? ">= " + min : min + " to " + max;
        errors.add(path(key) + ": " + v + " (expected " + range + ")");
        return null;
      }
      return v;
    }

    double decimal(String key, double defaultValue) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      if (!value.isNumber()) {
        error(path(key), value, "a number");
        return defaultValue;
      }
      return value.doubleValue();
    }

    Duration duration(String key, Duration defaultValue, boolean zeroAllowed) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      Duration parsed =
          value.isIntegralNumber()
              ? Duration.ofMillis(value.longValue())
              : value.isTextual() ? parseDuration(value.asText()) : null;
      String expected =
          zeroAllowed
              ? "a duration >= 0 such as 50ms, 2s, 1m"
              : "a duration > 0 such as 50ms, 2s, 1m";
      if (parsed == null || parsed.isNegative() || (!zeroAllowed && parsed.isZero())) {
        error(path(key), value, expected);
        return defaultValue;
      }
      return parsed;
    }

    List<String> headers(String key, List<String> defaultValue) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      List<JsonNode> items = new ArrayList<>();
      if (value.isTextual()) {
        items.add(value);
      } else if (value.isArray()) {
        value.forEach(items::add);
      } else {
        error(path(key), value, "a header name or a list of them");
        return defaultValue;
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        JsonNode item = items.get(i);
        if (!item.isTextual() || !item.asText().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
          error(path(key) + "[" + i + "]", item, "an HTTP header name");
          continue;
        }
        names.add(item.asText().toLowerCase(Locale.ROOT));
      }
      return names;
    }

    /** The plug-in called {@code name}, or {@code null} (an error naming the known ones). */
    <T> @Nullable T named(String key, String name, Function<String, T> lookup) {
      try {
        return lookup.apply(name);
      } catch (IllegalArgumentException e) {
        // The core's message starts with the field name; keep its list of known names.
        String message = String.valueOf(e.getMessage());
        int paren = message.indexOf('(');
        errors.add(path(key) + ": '" + name + "' " + (paren >= 0 ? message.substring(paren) : ""));
        return null;
      }
    }
  }
}
