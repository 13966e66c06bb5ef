package dev.sluice.pipeline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.ByteSizes;
import dev.sluice.config.Durations;
import dev.sluice.flow.FlowConfigException;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.http.HttpSettings;
import dev.sluice.pipeline.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns YAML into a {@link PipelineFileConfig}, collecting every error with its path instead of
 * stopping at the first. Confined to one thread: one instance reads one document.
 */
final class ConfigReader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Where each {@link PipelineConfig} field lives in the file, to prefix the builder's errors. */
  private static final Map<String, String> PATHS =
      Map.ofEntries(
          Map.entry("highWatermarkBytes", "backpressure.highWatermarkBytes"),
          Map.entry("lowWatermarkBytes", "backpressure.lowWatermarkBytes"),
          Map.entry("maxResidentBytes", "backpressure.maxResidentBytes"),
          Map.entry("reservedBytesPerItem", "backpressure.reservedBytesPerItem"),
          Map.entry("maxInFlightPerWorker", "backpressure.maxInFlightPerWorker"),
          Map.entry("maxResultsPerLease", "backpressure.maxResultsPerLease"),
          Map.entry("consumerQuantum", "backpressure.consumerQuantum"),
          Map.entry("leaseTimeout", "leases.timeout"),
          Map.entry("visibilityTimeout", "leases.visibilityTimeout"),
          Map.entry("maxAttempts", "leases.maxAttempts"));

  private final List<String> errors = new ArrayList<>();

  PipelineFileConfig read(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new ConfigException(List.of("yaml: " + e.getOriginalMessage() + where));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    Section top = new Section("", root);
    if (!root.isObject()) {
      throw new ConfigException(List.of("document: " + root + " (expected a mapping)"));
    }
    top.keys("server", "admin", "backpressure", "leases", "store");
    Section server = top.section("server").keys("host", "port", "maxRequestBytes", "maxWait");
    Section admin = top.section("admin").keys("host", "port");
    Section bp =
        top.section("backpressure")
            .keys(
                "highWatermarkBytes",
                "lowWatermarkBytes",
                "maxResidentBytes",
                "reservedBytesPerItem",
                "maxInFlightPerWorker",
                "maxResultsPerLease",
                "consumerQuantum");
    Section leases = top.section("leases").keys("timeout", "visibilityTimeout", "maxAttempts");
    StoreSettings store = store(top.section("store").keys("path", "synchronous"));

    String host = server.string("host", "127.0.0.1");
    int port = (int) server.integer("port", 8080, 0, 65535);
    long maxRequestBytes = server.bytes("maxRequestBytes", 1 << 20);
    if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE) {
      errors.add(
          server.path("maxRequestBytes")
              + ": "
              + maxRequestBytes
              + " (expected 1 to "
              + Integer.MAX_VALUE
              + ")");
    }
    Duration maxWait = server.duration("maxWait", Duration.ofSeconds(30));
    String adminHost = admin.string("host", "127.0.0.1");
    int adminPort = (int) admin.integer("port", 9090, -1, 65535);

    long high = bp.bytes("highWatermarkBytes", 0);
    long low = bp.node.has("lowWatermarkBytes") ? bp.bytes("lowWatermarkBytes", 0) : high / 2;
    PipelineConfig.Builder builder =
        PipelineConfig.builder()
            .watermarks(low, high)
            .maxResidentBytes(bp.bytes("maxResidentBytes", 0))
            .reservedBytesPerItem(bp.bytes("reservedBytesPerItem", 0))
            .maxInFlightPerWorker(
                (int) bp.integer("maxInFlightPerWorker", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .maxResultsPerLease(
                (int) bp.integer("maxResultsPerLease", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .consumerQuantum(
                (int) bp.integer("consumerQuantum", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .leaseTimeout(leases.duration("timeout", Duration.ofSeconds(60)))
            .visibilityTimeout(leases.duration("visibilityTimeout", Duration.ofSeconds(60)))
            .maxAttempts(
                (int) leases.integer("maxAttempts", 3, Integer.MIN_VALUE, Integer.MAX_VALUE));
    PipelineConfig pipeline = null;
    try {
      pipeline = builder.build();
    } catch (FlowConfigException e) {
      for (String error : e.errors()) {
        String field = error.substring(0, Math.max(0, error.indexOf(':')));
        errors.add(
            PATHS.containsKey(field) ? PATHS.get(field) + error.substring(field.length()) : error);
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new PipelineFileConfig(
        Objects.requireNonNull(pipeline, "null only with errors, thrown above"),
        new HttpSettings(host, port, adminHost, adminPort, maxRequestBytes, maxWait),
        store);
  }

  private StoreSettings store(Section section) {
    String path = section.string("path", "");
    String sync = section.string("synchronous", SqliteStore.Synchronous.FULL.name());
    SqliteStore.Synchronous synchronous = SqliteStore.Synchronous.FULL;
    try {
      synchronous = SqliteStore.Synchronous.valueOf(sync.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      errors.add(section.path("synchronous") + ": '" + sync + "' (expected: FULL or NORMAL)");
    }
    return new StoreSettings(path.isEmpty() ? null : Path.of(path), synchronous);
  }

  private static String render(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "missing";
    }
    return value.isTextual() ? "'" + value.asText() + "'" : value.toString();
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
        errors.add(path(key) + ": " + render(child) + " (expected a mapping)");
        return new Section(path(key), MissingNode.getInstance());
      }
      return new Section(path(key), child.isNull() ? MissingNode.getInstance() : child);
    }

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
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      if (!value.isTextual() || value.asText().isBlank()) {
        errors.add(path(key) + ": " + render(value) + " (expected a non-blank string)");
        return defaultValue;
      }
      return value.asText();
    }

    long integer(String key, long defaultValue, long min, long max) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        errors.add(path(key) + ": " + render(value) + " (expected an integer)");
        return defaultValue;
      }
      long v = value.longValue();
      if (v < min || v > max) {
        errors.add(path(key) + ": " + v + " (expected " + min + " to " + max + ")");
        return defaultValue;
      }
      return v;
    }

    long bytes(String key, long defaultValue) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      long parsed =
          value.isIntegralNumber() && value.canConvertToLong()
              ? value.longValue()
              : value.isTextual() ? ByteSizes.parse(value.asText()) : -1;
      if (parsed < 0) {
        errors.add(path(key) + ": " + render(value) + " (expected " + ByteSizes.EXPECTED + ")");
        return defaultValue;
      }
      return parsed;
    }

    Duration duration(String key, Duration defaultValue) {
      JsonNode value = value(key);
      if (value.isMissingNode()) {
        return defaultValue;
      }
      Duration parsed =
          value.isIntegralNumber()
              ? Duration.ofMillis(value.longValue())
              : value.isTextual() ? Durations.parse(value.asText()) : null;
      if (parsed == null || parsed.isNegative() || parsed.isZero()) {
        errors.add(
            path(key)
                + ": "
                + render(value)
                + " (expected a duration > 0 such as 500ms, 30s, 5m; a bare number is milliseconds)");
        return defaultValue;
      }
      return parsed;
    }
  }
}
