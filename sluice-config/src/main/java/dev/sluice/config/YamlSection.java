package dev.sluice.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One mapping of a YAML document and its path, for reading typed values with defaults. A value of
 * the wrong type, out of range, or an unknown key is not thrown: it is added, with its path (as
 * {@code server.port} or {@code flowControl.bands[0].priority}), to the error list that every
 * section of one document shares, and the default is used, so that one read reports every problem.
 * Durations and byte sizes are read by this module's one grammar ({@link Durations}, {@link
 * ByteSizes}). The gateway's, the pipeline's and the simulator's readers are built on it. Confined
 * to one thread.
 */
public final class YamlSection {

  private final String prefix;
  private final JsonNode node;
  private final List<String> errors;

  /**
   * The mapping {@code node} at {@code prefix} ({@code ""} at the top), adding to {@code errors}.
   */
  public YamlSection(String prefix, @Nullable JsonNode node, List<String> errors) {
    this.prefix = prefix;
    this.node = node == null ? MissingNode.getInstance() : node;
    this.errors = errors;
  }

  /** This section's path. */
  public String prefix() {
    return prefix;
  }

  /** The mapping itself (missing when the document has none). */
  public JsonNode node() {
    return node;
  }

  /** Another mapping, at {@code path}, adding to the same errors. */
  public YamlSection at(String path, @Nullable JsonNode child) {
    return new YamlSection(path, child, errors);
  }

  /** Adds {@code message}, which starts with the path it is about. */
  public void error(String message) {
    errors.add(message);
  }

  /** Adds "{@code path}: {@code value} (expected {@code expected})". */
  public void error(String path, JsonNode value, String expected) {
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

  /** The path of {@code key} in this section. */
  public String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  /** The mapping at {@code key} (missing if absent; something else there is an error). */
  public YamlSection section(String key) {
    JsonNode child = node.path(key);
    if (!child.isMissingNode() && !child.isNull() && !child.isObject()) {
      error(path(key), child, "a mapping");
      return new YamlSection(path(key), MissingNode.getInstance(), errors);
    }
    return new YamlSection(path(key), child.isNull() ? MissingNode.getInstance() : child, errors);
  }

  /** Reports keys other than {@code known}. */
  public YamlSection keys(String... known) {
    if (!node.isObject()) {
      return this;
    }
    Set<String> allowed = Set.of(known);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        errors.add(path(key) + ": unknown key (expected one of: " + String.join(", ", known) + ")");
      }
    }
    return this;
  }

  private JsonNode value(String key) {
    JsonNode value = node.path(key);
    return value.isNull() ? MissingNode.getInstance() : value;
  }

  /** The string at {@code key}, or the default (also when it is not a string: an error). */
  public String string(String key, String defaultValue) {
    String value = optionalString(key);
    return value == null ? defaultValue : value;
  }

  /** The string at {@code key}, or {@code null} if it is absent (or not a string: an error). */
  public @Nullable String optionalString(String key) {
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

  /**
   * The string at {@code key} if it is one of {@code choices}; otherwise (an error naming them, if
   * present) the first choice, the default.
   */
  public String choice(String key, String... choices) {
    JsonNode value = value(key);
    if (value.isMissingNode()) {
      return choices[0];
    }
    if (value.isTextual() && List.of(choices).contains(value.asText())) {
      return value.asText();
    }
    error(path(key), value, "one of: " + String.join(", ", choices));
    return choices[0];
  }

  /** The boolean at {@code key}, or the default. */
  public boolean bool(String key, boolean defaultValue) {
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

  /** The integer at {@code key} within {@code [min, max]}, or the default. */
  public int integer(String key, int defaultValue, int min, int max) {
    return (int) longValue(key, defaultValue, min, max);
  }

  /** The integer at {@code key}, or {@code null} if absent or invalid (an error). */
  public @Nullable Integer optionalInteger(String key, int min, int max) {
    Long value = optionalLong(key, min, max);
    return value == null ? null : (int) (long) value;
  }

  /** The integer at {@code key} within {@code [min, max]}, or the default. */
  public long longValue(String key, long defaultValue, long min, long max) {
    Long value = optionalLong(key, min, max);
    return value == null ? defaultValue : value;
  }

  /** The integer at {@code key}, or {@code null} if absent or invalid (an error). */
  public @Nullable Long optionalLong(String key, long min, long max) {
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

  /** The number at {@code key}, or the default. */
  public double decimal(String key, double defaultValue) {
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

  /** Whether {@code key} is present and not null. */
  public boolean has(String key) {
    return !value(key).isMissingNode();
  }

  /** The byte size at {@code key} ({@link ByteSizes}; an integer is bytes), or the default. */
  public long bytes(String key, long defaultValue) {
    JsonNode value = value(key);
    if (value.isMissingNode()) {
      return defaultValue;
    }
    long parsed =
        value.isIntegralNumber() && value.canConvertToLong()
            ? value.longValue()
            : value.isTextual() ? ByteSizes.parse(value.asText()) : -1;
    if (parsed < 0) {
      error(path(key), value, ByteSizes.EXPECTED);
      return defaultValue;
    }
    return parsed;
  }

  /**
   * The duration at {@code key} ({@link Durations}; an integer is milliseconds), or the default;
   * negative is an error, and zero too unless {@code zeroAllowed}.
   */
  public Duration duration(String key, Duration defaultValue, boolean zeroAllowed) {
    JsonNode value = value(key);
    if (value.isMissingNode()) {
      return defaultValue;
    }
    Duration parsed =
        value.isIntegralNumber()
            ? Duration.ofMillis(value.longValue())
            : value.isTextual() ? Durations.parse(value.asText()) : null;
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

  /** The plug-in called {@code name}, or {@code null} (an error naming the known ones). */
  public <T> @Nullable T named(String key, String name, Function<String, T> lookup) {
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
