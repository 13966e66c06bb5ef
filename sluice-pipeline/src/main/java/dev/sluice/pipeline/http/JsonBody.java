package dev.sluice.pipeline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request body being read: typed fields, each problem collected with its field name, so one 400
 * names everything wrong. Confined to one request.
 */
final class JsonBody {

  private final JsonNode node;
  private final List<String> errors = new ArrayList<>();

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  /** Parses {@code text}; an empty body reads as {@code {}}. */
  static JsonBody parse(ObjectMapper json, String text) {
    if (text.isBlank()) {
      return new JsonBody(json.createObjectNode());
    }
    JsonBody body;
    try {
      body = new JsonBody(json.readTree(text));
    } catch (JsonProcessingException e) {
      body = new JsonBody(json.createObjectNode());
      body.errors.add("body: not JSON (" + e.getOriginalMessage() + ")");
      return body;
    }
    if (!body.node.isObject()) {
      body.errors.add("body: " + abbreviate(body.node) + " (expected a JSON object)");
    }
    return body;
  }

  JsonNode node() {
    return node;
  }

  List<String> errors() {
    return errors;
  }

  void error(String message) {
    errors.add(message);
  }

  /**
   * The non-blank string at {@code field}; if there is none, an error is recorded and "" returned
   * (callers check {@link #errors()} before using any value).
   */
  String id(String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank()) {
      errors.add(field + ": " + render(value) + " (expected a non-blank string)");
      return "";
    }
    return value.asText();
  }

  String string(String field, String defaultValue) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isTextual()) {
      errors.add(field + ": " + render(value) + " (expected a string)");
      return defaultValue;
    }
    return value.asText();
  }

  long integer(String field, @Nullable Long defaultValue, long min, long max) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      if (defaultValue == null) {
        errors.add(field + ": missing (expected an integer " + range(min, max) + ")");
        return min;
      }
      return defaultValue;
    }
    if (!value.isIntegralNumber()
        || !value.canConvertToLong()
        || value.longValue() < min
        || value.longValue() > max) {
      errors.add(field + ": " + render(value) + " (expected an integer " + range(min, max) + ")");
      return min;
    }
    return value.longValue();
  }

  boolean bool(String field, boolean defaultValue) {
    JsonNode value = node.path(field);
    if (value.isMissingNode() || value.isNull()) {
      return defaultValue;
    }
    if (!value.isBoolean()) {
      errors.add(field + ": " + render(value) + " (expected true or false)");
      return defaultValue;
    }
    return value.booleanValue();
  }

  private static String range(long min, long max) {
    return max == Long.MAX_VALUE ? ">= " + min : min + " to " + max;
  }

  static String render(JsonNode value) {
    if (value == null || value.isMissingNode()) {
      return "missing";
    }
    return abbreviate(value);
  }

  private static String abbreviate(JsonNode value) {
    String text = value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }
}
