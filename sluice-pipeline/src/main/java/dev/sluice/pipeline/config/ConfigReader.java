package dev.sluice.pipeline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.config.YamlSection;
import dev.sluice.flow.FlowConfigException;
import dev.sluice.pipeline.PipelineConfig;
import dev.sluice.pipeline.http.HttpSettings;
import dev.sluice.pipeline.store.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
    YamlSection top = new YamlSection("", root, errors);
    if (!root.isObject()) {
      throw new ConfigException(List.of("document: " + root + " (expected a mapping)"));
    }
    top.keys("server", "admin", "backpressure", "leases", "store");
    YamlSection server = top.section("server").keys("host", "port", "maxRequestBytes", "maxWait");
    YamlSection admin = top.section("admin").keys("host", "port");
    YamlSection bp =
        top.section("backpressure")
            .keys(
                "highWatermarkBytes",
                "lowWatermarkBytes",
                "maxResidentBytes",
                "reservedBytesPerItem",
                "maxInFlightPerWorker",
                "maxResultsPerLease",
                "consumerQuantum");
    YamlSection leases = top.section("leases").keys("timeout", "visibilityTimeout", "maxAttempts");
    StoreSettings store = store(top.section("store").keys("path", "synchronous"));

    String host = server.string("host", "127.0.0.1");
    int port = server.integer("port", 8080, 0, 65535);
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
    Duration maxWait = server.duration("maxWait", Duration.ofSeconds(30), false);
    String adminHost = admin.string("host", "127.0.0.1");
    int adminPort = admin.integer("port", 9090, -1, 65535);

    long high = bp.bytes("highWatermarkBytes", 0);
    long low = bp.has("lowWatermarkBytes") ? bp.bytes("lowWatermarkBytes", 0) : high / 2;
    PipelineConfig.Builder builder =
        PipelineConfig.builder()
            .watermarks(low, high)
            .maxResidentBytes(bp.bytes("maxResidentBytes", 0))
            .reservedBytesPerItem(bp.bytes("reservedBytesPerItem", 0))
            .maxInFlightPerWorker(
                bp.integer("maxInFlightPerWorker", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .maxResultsPerLease(
                bp.integer("maxResultsPerLease", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .consumerQuantum(bp.integer("consumerQuantum", 0, Integer.MIN_VALUE, Integer.MAX_VALUE))
            .leaseTimeout(leases.duration("timeout", Duration.ofSeconds(60), false))
            .visibilityTimeout(leases.duration("visibilityTimeout", Duration.ofSeconds(60), false))
            .maxAttempts(leases.integer("maxAttempts", 3, Integer.MIN_VALUE, Integer.MAX_VALUE));
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

  private StoreSettings store(YamlSection section) {
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
}
