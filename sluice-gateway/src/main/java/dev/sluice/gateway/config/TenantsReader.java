package dev.sluice.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.config.Durations;
import dev.sluice.config.YamlSection;
import dev.sluice.gateway.internal.tenant.KeysFile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code tenants} section: {@code mode}, {@code keysFile}, {@code reloadInterval}, {@code
 * anonymous} and {@code list} (the tenant entries themselves are parsed by {@link KeysFile}, as the
 * keys file's are). Every problem goes, with its path, to the section's errors. Stateless.
 */
final class TenantsReader {

  private TenantsReader() {}

  /** The section {@code s}; {@code objectives} are the ones a tenant's ceiling may name. */
  static TenantsConfig read(YamlSection s, Map<String, Integer> objectives) {
    JsonNode node = s.node();
    if (node.isMissingNode() || node.isNull()) {
      return TenantsConfig.none();
    }
    if (!node.isObject()) {
      s.error(s.prefix() + ": " + node + " (expected a mapping)");
      return TenantsConfig.none();
    }
    s.keys("mode", "keysFile", "reloadInterval", "anonymous", "list");
    TenantsConfig.Mode mode = mode(s);
    String keysFile = text(s, "keysFile");
    Duration reload = reloadInterval(s);
    List<String> entryErrors = new ArrayList<>();
    Tenant anonymous = null;
    if (node.hasNonNull("anonymous")) {
      anonymous =
          KeysFile.parseEntry(
              node.get("anonymous"), s.path("anonymous"), false, objectives, entryErrors);
    }
    List<Tenant> list =
        KeysFile.parseList(node.path("list"), s.path("list"), objectives, entryErrors);
    entryErrors.forEach(s::error);
    if (mode == TenantsConfig.Mode.KEYS
        && list.isEmpty()
        && keysFile == null
        && anonymous == null) {
      s.error(
          s.prefix() + ": no tenants (expected 'list', 'keysFile' or 'anonymous' in mode keys)");
    }
    return new TenantsConfig(mode, keysFile, reload, anonymous, list);
  }

  private static TenantsConfig.Mode mode(YamlSection s) {
    String text = text(s, "mode");
    if (text == null || text.equals("keys")) {
      return TenantsConfig.Mode.KEYS;
    }
    if (text.equals("trustedHeaders")) {
      return TenantsConfig.Mode.TRUSTED_HEADERS;
    }
    s.error(s.path("mode") + ": '" + text + "' (expected keys or trustedHeaders)");
    return TenantsConfig.Mode.KEYS;
  }

  /** How often the keys file is checked: default 2 s; an integer is milliseconds. */
  private static Duration reloadInterval(YamlSection s) {
    JsonNode interval = s.node().path("reloadInterval");
    if (interval.isMissingNode()) {
      return Duration.ofSeconds(2);
    }
    Duration parsed =
        interval.isIntegralNumber()
            ? Duration.ofMillis(interval.longValue())
            : Durations.parse(interval.asText());
    if (parsed == null || parsed.isNegative() || parsed.isZero()) {
      s.error(s.path("reloadInterval") + ": " + interval + " (expected a duration > 0 such as 2s)");
      return Duration.ofSeconds(2);
    }
    return parsed;
  }

  /** The non-empty string at {@code key}, or {@code null} if absent (or not one: an error). */
  private static @Nullable String text(YamlSection s, String key) {
    JsonNode value = s.node().path(key);
    if (value.isMissingNode() || value.isNull()) {
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      s.error(s.path(key) + ": " + value + " (expected a non-empty string)");
      return null;
    }
    return value.asText();
  }
}
