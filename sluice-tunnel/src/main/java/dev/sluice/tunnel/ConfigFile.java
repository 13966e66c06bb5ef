package dev.sluice.tunnel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --config FILE}: a YAML mapping from a command's flag names (without the dashes) to their
 * values, e.g. {@code window: 262144} or {@code server: 127.0.0.1:8091}. Read with the same Jackson
 * YAML parser as the gateway's and the pipeline's configs; the values are then checked by {@link
 * Flags} like flags, with errors that name the file and the key ({@code tunnel.yaml: window: -5
 * (expected: >= 0)}).
 */
final class ConfigFile {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION));

  private ConfigFile() {}

  /**
   * The file's values by flag name, in file order.
   *
   * @throws IllegalArgumentException naming the file (and the key) for an unreadable file, bad
   *     YAML, a document that is not a mapping, an unknown or repeated key, or a value that is not
   *     a scalar
   */
  static Map<String, String> read(String file, Set<String> known) {
    String text;
    try {
      text = Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "--config: '" + file + "' (expected: a readable YAML file; " + e + ")", e);
    }
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw new IllegalArgumentException(file + ": " + e.getOriginalMessage() + line, e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values; // an empty file: every default
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          file + ": " + kind(root) + " (expected: a mapping of flag names to values)");
    }
    for (Map.Entry<String, JsonNode> entry : root.properties()) {
      String key = entry.getKey();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            file + ": " + key + ": unknown key (expected one of: " + new TreeSet<>(known) + ")");
      }
      JsonNode value = entry.getValue();
      if (!value.isValueNode() || value.isNull()) {
        throw new IllegalArgumentException(
            file + ": " + key + ": " + kind(value) + " (expected: a number or a string)");
      }
      values.put(key, value.asText());
    }
    return values;
  }

  private static String kind(JsonNode node) {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.isNull() ? "null" : "'" + node.asText() + "'";
  }
}
