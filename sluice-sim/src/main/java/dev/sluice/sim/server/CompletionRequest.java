package dev.sluice.sim.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.sim.engine.TokenEstimator;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code /v1/chat/completions} or {@code /v1/completions} body. Only the fields the
 * simulator acts on are kept; others are accepted and ignored, as vLLM does. {@code maxTokens} is
 * {@code null} when the body sets no {@code max_tokens} (nor, for chat, {@code
 * max_completion_tokens}). {@code priority} is vLLM's extra parameter (an integer, 0 when absent;
 * lower runs first under the {@code priority} scheduling policy).
 */
record CompletionRequest(
    boolean chat,
    String model,
    int promptTokens,
    @Nullable Integer maxTokens,
    boolean stream,
    boolean includeUsage,
    int priority) {

  /** Thrown with the OpenAI error to send when the body is wrong. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final transient OpenAiError error;

    Invalid(String message, @Nullable String param) {
      super(message, null, false, false);
      this.error = OpenAiError.badRequest(message, param);
    }
  }

  static CompletionRequest parse(JsonNode body, boolean chat) throws Invalid {
    if (body == null || !body.isObject()) {
      throw new Invalid("The request body must be a JSON object.", null);
    }
    String model = requiredString(body, "model");
    int promptTokens = chat ? messageTokens(body) : promptTokens(body);
    Integer maxTokens = optionalPositiveInt(body, chat ? "max_completion_tokens" : "max_tokens");
    if (maxTokens == null && chat) {
      maxTokens = optionalPositiveInt(body, "max_tokens");
    }
    boolean stream = optionalBoolean(body, "stream", false);
    boolean includeUsage = false;
    JsonNode options = body.get("stream_options");
    if (options != null && !options.isNull()) {
      if (!options.isObject()) {
        throw new Invalid(
            "'stream_options' must be an object, got " + kind(options) + ".", "stream_options");
      }
      if (!stream) {
        throw new Invalid(
            "'stream_options' is only allowed when 'stream' is true.", "stream_options");
      }
      includeUsage =
          optionalBoolean(options, "include_usage", false, "stream_options.include_usage");
    }
    JsonNode priorityNode = body.get("priority");
    int priority = 0;
    if (priorityNode != null && !priorityNode.isNull()) {
      if (!priorityNode.isIntegralNumber() || !priorityNode.canConvertToInt()) {
        throw new Invalid(
            "'priority' must be an integer, got " + kind(priorityNode) + ".", "priority");
      }
      priority = priorityNode.intValue();
    }
    return new CompletionRequest(
        chat, model, Math.max(1, promptTokens), maxTokens, stream, includeUsage, priority);
  }

  private static int messageTokens(JsonNode body) throws Invalid {
    JsonNode messages = body.get("messages");
    if (messages == null || messages.isNull()) {
      throw new Invalid("Missing required parameter: 'messages'.", "messages");
    }
    if (!messages.isArray()) {
      throw new Invalid("'messages' must be an array, got " + kind(messages) + ".", "messages");
    }
    if (messages.isEmpty()) {
      throw new Invalid("'messages' must contain at least one message.", "messages");
    }
    int tokens = 0;
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String param = "messages[" + i + "]";
      if (!message.isObject()) {
        throw new Invalid("'" + param + "' must be an object, got " + kind(message) + ".", param);
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual()) {
        throw new Invalid(
            "'" + param + ".role' is required and must be a string.", param + ".role");
      }
      JsonNode content = message.get("content");
      if (content == null || content.isNull()) {
        continue;
      }
      if (content.isTextual()) {
        tokens += TokenEstimator.count(content.asText());
      } else if (content.isArray()) {
        for (int j = 0; j < content.size(); j++) {
          JsonNode part = content.get(j);
          JsonNode text = part.get("text");
          if (!part.isObject() || text == null || !text.isTextual()) {
            throw new Invalid(
                "'" + param + ".content[" + j + "]' must be an object with a " + "string 'text'.",
                param + ".content");
          }
          tokens += TokenEstimator.count(text.asText());
        }
      } else {
        throw new Invalid(
            "'"
                + param
                + ".content' must be a string or an array of parts, got "
                + kind(content)
                + ".",
            param + ".content");
      }
    }
    return tokens;
  }

  private static int promptTokens(JsonNode body) throws Invalid {
    JsonNode prompt = body.get("prompt");
    if (prompt == null || prompt.isNull()) {
      throw new Invalid("Missing required parameter: 'prompt'.", "prompt");
    }
    if (prompt.isTextual()) {
      return TokenEstimator.count(prompt.asText());
    }
    if (prompt.isArray() && !prompt.isEmpty()) {
      // A single prompt only: a string list of length one, or token ids.
      JsonNode first = prompt.get(0);
      if (prompt.size() == 1 && first.isTextual()) {
        return TokenEstimator.count(first.asText());
      }
      if (allIntegers(prompt)) {
        return prompt.size();
      }
      if (prompt.size() == 1 && first.isArray() && allIntegers(first)) {
        return first.size();
      }
      throw new Invalid(
          "'prompt' must be a string, a list of token ids, or a list holding one "
              + "of those; batched prompts are not supported.",
          "prompt");
    }
    throw new Invalid(
        "'prompt' must be a non-empty string or array, got " + kind(prompt) + ".", "prompt");
  }

  private static boolean allIntegers(JsonNode array) {
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      if (!it.next().isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  private static String requiredString(JsonNode body, String field) throws Invalid {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      throw new Invalid("Missing required parameter: '" + field + "'.", field);
    }
    if (!node.isTextual()) {
      throw new Invalid("'" + field + "' must be a string, got " + kind(node) + ".", field);
    }
    return node.asText();
  }

  private static @Nullable Integer optionalPositiveInt(JsonNode body, String field) throws Invalid {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new Invalid("'" + field + "' must be an integer, got " + kind(node) + ".", field);
    }
    if (node.asInt() < 1) {
      throw new Invalid("'" + field + "' must be at least 1, got " + node.asInt() + ".", field);
    }
    return node.asInt();
  }

  private static boolean optionalBoolean(JsonNode body, String field, boolean absent)
      throws Invalid {
    return optionalBoolean(body, field, absent, field);
  }

  private static boolean optionalBoolean(JsonNode body, String field, boolean absent, String param)
      throws Invalid {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (!node.isBoolean()) {
      throw new Invalid("'" + param + "' must be a boolean, got " + kind(node) + ".", param);
    }
    return node.asBoolean();
  }

  private static final Map<String, String> ARTICLES =
      Map.of("array", "an", "object", "an", "integer", "an");

  private static String kind(JsonNode node) {
    String kind;
    switch (node.getNodeType()) {
      case ARRAY:
        kind = "array";
        break;
      case OBJECT:
        kind = "object";
        break;
      case STRING:
        kind = "string";
        break;
      case BOOLEAN:
        kind = "boolean";
        break;
      case NUMBER:
        kind = node.isIntegralNumber() ? "integer" : "number";
        break;
      default:
        kind = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
    return ARTICLES.getOrDefault(kind, "a") + " " + kind;
  }
}
