package dev.sluice.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.gateway.internal.tenant.KeysFile;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code tenants} section: {@code mode}, {@code keysFile}, {@code reloadInterval}, {@code
 * anonymous} and {@code list}. Adds every problem, with its path, to the reader's errors. Confined
 * to one thread.
 */
final class TenantsReader {

  private static final Set<String> KEYS =
      Set.of("mode", "keysFile", "reloadInterval", "anonymous", "list");

  private final List<String> errors;

  TenantsReader(List<String> errors) {
    this.errors = errors;
  }

  TenantsConfig read(JsonNode node, Map<String, Integer> objectives) {
    if (node.isMissingNode() || node.isNull()) {
      return TenantsConfig.none();
    }
    if (!node.isObject()) {
      errors.add("tenants: " + node + " (expected a mapping)");
      return TenantsConfig.none();
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        errors.add(
            "tenants."
                + key
                + ": unknown key (expected one of: mode, keysFile, reloadInterval, anonymous,"
                + " list)");
      }
    }
    TenantsConfig.Mode mode = mode(node.path("mode"));
    String keysFile = text(node.path("keysFile"), "tenants.keysFile");
    Duration reload = Duration.ofSeconds(2);
    JsonNode interval = node.path("reloadInterval");
    if (!interval.isMissingNode()) {
      Duration parsed =
          interval.isIntegralNumber()
              ? Duration.ofMillis(interval.longValue())
              : Durations.parse(interval.asText());
      if (parsed == null || parsed.isNegative() || parsed.isZero()) {
        errors.add("tenants.reloadInterval: " + interval + " (expected a duration > 0 such as 2s)");
      } else {
        reload = parsed;
      }
    }
    Tenant anonymous = null;
    if (node.hasNonNull("anonymous")) {
      anonymous =
          KeysFile.parseEntry(
              node.get("anonymous"), "tenants.anonymous", false, objectives, errors);
    }
    List<Tenant> list = KeysFile.parseList(node.path("list"), "tenants.list", objectives, errors);
    if (mode == TenantsConfig.Mode.KEYS
        && list.isEmpty()
        && keysFile == null
        && anonymous == null) {
      errors.add("tenants: no tenants (expected 'list', 'keysFile' or 'anonymous' in mode keys)");
    }
    return new TenantsConfig(mode, keysFile, reload, anonymous, list);
  }

  private TenantsConfig.Mode mode(JsonNode value) {
    String text = text(value, "tenants.mode");
    if (text == null || text.equals("keys")) {
      return TenantsConfig.Mode.KEYS;
    }
    if (text.equals("trustedHeaders")) {
      return TenantsConfig.Mode.TRUSTED_HEADERS;
    }
    errors.add("tenants.mode: '" + text + "' (expected keys or trustedHeaders)");
    return TenantsConfig.Mode.KEYS;
  }

  private @Nullable String text(JsonNode value, String path) {
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      errors.add(path + ": " + value + " (expected a non-empty string)");
      return null;
    }
    return value.asText();
  }
}
