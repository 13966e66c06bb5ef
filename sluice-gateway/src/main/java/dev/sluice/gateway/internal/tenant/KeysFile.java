package dev.sluice.gateway.internal.tenant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sluice.gateway.config.Tenant;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads tenant definitions: the {@code tenants.list} entries of {@code sluice.yaml} and the keys
 * file, a YAML document {@code tenants: [ ... ]} of the same entries. Each entry is {@code id}
 * (required), {@code keySha256} (a hash or a list of them), {@code weight} (default 1), {@code
 * maxObjective}, {@code maxConcurrentRequests} and {@code maxQueuedRequests} (default 0, no limit).
 * Every problem is collected with its path, as the rest of the configuration does. Stateless.
 */
public final class KeysFile {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
  private static final List<String> FIELDS =
      List.of(
          "id",
          "keySha256",
          "weight",
          "maxObjective",
          "maxConcurrentRequests",
          "maxQueuedRequests",
          "tokensPerMinute");

  private KeysFile() {}

  /**
   * The SHA-256 of {@code key} (its UTF-8 bytes) as 64 lower-case hex digits: what {@code
   * keySha256} holds. The same as {@code printf %s "$KEY" | sha256sum}.
   */
  public static String sha256Hex(String key) {
    return HexFormat.of().formatHex(digest(key));
  }

  static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Parses a keys file's text.
   *
   * @param objectives objective name to priority, for {@code maxObjective}
   * @param errors where problems are added, each starting with {@code path}
   */
  static List<Tenant> parseDocument(
      String yaml, String path, Map<String, Integer> objectives, List<String> errors) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      errors.add(path + ": not valid YAML (" + e.getOriginalMessage() + ")");
      return List.of();
    }
    if (root == null || !root.isObject() || !root.path("tenants").isArray()) {
      errors.add(path + ": expected a mapping with a list 'tenants'");
      return List.of();
    }
    return parseList(root.path("tenants"), path + ".tenants", objectives, errors);
  }

  /**
   * Parses a list of tenant entries; ids and key hashes must be unique.
   *
   * @param errors where problems are added, each starting with {@code path}
   */
  public static List<Tenant> parseList(
      JsonNode list, String path, Map<String, Integer> objectives, List<String> errors) {
    if (list.isMissingNode() || list.isNull()) {
      return List.of();
    }
    if (!list.isArray()) {
      errors.add(path + ": expected a list of tenants");
      return List.of();
    }
    List<Tenant> tenants = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = path + "[" + i + "]";
      Tenant tenant = parseEntry(list.get(i), at, true, objectives, errors);
      if (tenant == null) {
        continue;
      }
      if (!ids.add(tenant.id())) {
        errors.add(at + ".id: '" + tenant.id() + "' (expected unique: it is defined twice)");
      }
      for (String key : tenant.keySha256()) {
        if (!keys.add(key)) {
          errors.add(at + ".keySha256: " + key + " (expected unique: another entry has it)");
        }
      }
      tenants.add(tenant);
    }
    return tenants;
  }

  /**
   * Parses one entry, or returns {@code null} having added its problems to {@code errors}.
   *
   * @param withKeys whether the entry must have keys ({@code false} for the anonymous tenant, which
   *     must have none)
   */
  public static @Nullable Tenant parseEntry(
      JsonNode node,
      String path,
      boolean withKeys,
      Map<String, Integer> objectives,
      List<String> errors) {
    if (!node.isObject()) {
      errors.add(path + ": " + node + " (expected a mapping)");
      return null;
    }
    int before = errors.size();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!FIELDS.contains(key) || (!withKeys && key.equals("keySha256"))) {
        errors.add(path + "." + key + ": unknown key (expected one of: " + fields(withKeys) + ")");
      }
    }
    JsonNode idNode = node.path("id");
    String id = withKeys ? idNode.asText("") : idNode.asText("anonymous");
    if (!ID.matcher(id).matches()) {
      errors.add(path + ".id: '" + id + "' (expected 1 to 64 letters, digits, '.', '_' or '-')");
    }
    double weight = node.path("weight").asDouble(1.0);
    boolean notANumber = node.has("weight") && !node.get("weight").isNumber();
    if (notANumber || !(weight > 0) || Double.isInfinite(weight)) {
      errors.add(path + ".weight: " + node.get("weight") + " (expected a positive number)");
    }
    String maxObjective =
        node.hasNonNull("maxObjective") ? node.get("maxObjective").asText() : null;
    int maxPriority = 0;
    if (maxObjective != null) {
      Integer priority = objectives.get(maxObjective);
      if (priority == null) {
        errors.add(
            path
                + ".maxObjective: '"
                + maxObjective
                + "' (expected one of the objectives: "
                + String.join(", ", objectives.keySet())
                + ")");
      } else {
        maxPriority = priority;
      }
    }
    int maxConcurrent = count(node, "maxConcurrentRequests", path, errors);
    int maxQueued = count(node, "maxQueuedRequests", path, errors);
    int tokensPerMinute = count(node, "tokensPerMinute", path, errors);
    List<String> hashes = withKeys ? hashes(node.path("keySha256"), path, errors) : List.of();
    if (errors.size() > before) {
      return null;
    }
    return new Tenant(
        id, weight, maxObjective, maxPriority, maxConcurrent, maxQueued, tokensPerMinute, hashes);
  }

  private static String fields(boolean withKeys) {
    return String.join(
        ", ", withKeys ? FIELDS : FIELDS.stream().filter(f -> !f.equals("keySha256")).toList());
  }

  private static int count(JsonNode node, String key, String path, List<String> errors) {
    JsonNode value = node.path(key);
    if (value.isMissingNode() || value.isNull()) {
      return 0;
    }
    if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 0) {
      errors.add(path + "." + key + ": " + value + " (expected an integer >= 0, 0 = no limit)");
      return 0;
    }
    return value.intValue();
  }

  private static List<String> hashes(JsonNode value, String path, List<String> errors) {
    List<JsonNode> items = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(items::add);
    } else if (!value.isMissingNode() && !value.isNull()) {
      items.add(value);
    }
    if (items.isEmpty()) {
      errors.add(path + ".keySha256: missing (expected the SHA-256 of a key, or a list of them)");
    }
    List<String> hashes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String at = path + ".keySha256" + (value.isArray() ? "[" + i + "]" : "");
      if (!item.isTextual() || !SHA256.matcher(item.asText()).matches()) {
        errors.add(at + ": " + item + " (expected 64 hex digits: printf %s \"$KEY\" | sha256sum)");
      } else {
        hashes.add(item.asText().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return hashes;
  }
}
