package dev.sluice.gateway.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway needs from an OpenAI-style request body: the model and a cost estimate.
 *
 * <p>Prompt tokens are estimated as the simulator and a rough BPE do: each run of letters or digits
 * and each other non-space character is one token; a prompt of token ids counts one per id. The
 * cost is prompt tokens plus {@code max_tokens} (or {@code max_completion_tokens}), at least 1.
 * Immutable.
 *
 * @param model the {@code model} field
 * @param promptTokens estimated prompt tokens
 * @param maxTokens the output limit asked for, or 0 if none
 */
record InferenceRequest(String model, long promptTokens, long maxTokens) {

  /** Whitespace may follow the value; anything else (a second value, garbage) is invalid JSON. */
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Weighted-fairness cost: estimated tokens in and out. */
  long cost() {
    return Math.max(1, promptTokens + maxTokens);
  }

  /** A request the gateway refuses with 400; the message names the field. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;
    final @Nullable String param;

    Invalid(String message, @Nullable String param) {
      super(message, null, false, false);
      this.reason = message;
      this.param = param;
    }
  }

  /**
   * Parses {@code body} sent to {@code path}.
   *
   * @throws Invalid if it is not one JSON object (only whitespace may follow it) with a string
   *     {@code model}, or a field the cost depends on has the wrong type
   */
  static InferenceRequest parse(String path, byte[] body) throws Invalid {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new Invalid("The request body is not valid JSON: " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new Invalid("The request body could not be read: " + e.getMessage(), null);
    }
    if (root == null || !root.isObject()) {
      throw new Invalid("The request body must be a JSON object.", null);
    }
    JsonNode model = root.path("model");
    if (!model.isTextual() || model.asText().isBlank()) {
      throw new Invalid(
          model.isMissingNode() ? "'model' is required." : "'model' must be a non-empty string.",
          "model");
    }
    long prompt = 0;
    JsonNode messages = root.path("messages");
    if (path.endsWith("/chat/completions")) {
      if (!messages.isArray() || messages.isEmpty()) {
        throw new Invalid("'messages' must be a non-empty array.", "messages");
      }
    }
    if (messages.isArray()) {
      for (JsonNode message : messages) {
        prompt += tokensOf(message.path("content"));
      }
    }
    JsonNode promptNode = root.path("prompt");
    if (path.endsWith("/v1/completions") && promptNode.isMissingNode()) {
      throw new Invalid("'prompt' is required.", "prompt");
    }
    prompt += tokensOf(promptNode);
    prompt += tokensOf(root.path("input"));
    long maxTokens = 0;
    for (String field : new String[] {"max_tokens", "max_completion_tokens"}) {
      JsonNode value = root.path(field);
      if (value.isMissingNode() || value.isNull()) {
        continue;
      }
      if (!value.isIntegralNumber() || value.longValue() < 1) {
        throw new Invalid("'" + field + "' must be an integer >= 1, got " + value + ".", field);
      }
      maxTokens = Math.max(maxTokens, value.longValue());
    }
    return new InferenceRequest(model.asText(), prompt, maxTokens);
  }

  private static long tokensOf(JsonNode node) {
    if (node.isTextual()) {
      return countTokens(node.asText());
    }
    if (node.isNumber()) {
      return 1;
    }
    long total = 0;
    if (node.isArray()) {
      for (JsonNode item : node) {
        total += tokensOf(item);
      }
    } else if (node.isObject()) {
      total += tokensOf(node.path("text"));
    }
    return total;
  }

  /** Runs of letters or digits count one each; every other non-space character counts one. */
  static long countTokens(String text) {
    long tokens = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLetterOrDigit(c)) {
        if (!inWord) {
          tokens++;
          inWord = true;
        }
      } else {
        inWord = false;
        if (!Character.isWhitespace(c)) {
          tokens++;
        }
      }
    }
    return tokens;
  }
}
