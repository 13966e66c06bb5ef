package dev.sluice.gateway.internal.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonParser.NumberType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
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

  /** Thread-safe and shared, so a parse allocates only its parser and the strings it reads. */
  private static final JsonFactory JSON = new JsonFactory();

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
   * Parses {@code body} sent to {@code path} in one pass over its tokens, without building a tree:
   * only the fields the cost depends on are read, every other value is skipped. A field given twice
   * counts as its last occurrence, as in a JSON tree.
   *
   * @throws Invalid if it is not one JSON object (only whitespace may follow it) with a string
   *     {@code model}, or a field the cost depends on has the wrong type
   */
  static InferenceRequest parse(String path, byte[] body) throws Invalid {
    try (JsonParser parser = JSON.createParser(body)) {
      return parse(path, parser);
    } catch (JsonProcessingException e) {
      throw new Invalid("The request body is not valid JSON: " + e.getOriginalMessage(), null);
    } catch (IOException e) {
      throw new Invalid("The request body could not be read: " + e.getMessage(), null);
    }
  }

  private static InferenceRequest parse(String path, JsonParser parser)
      throws IOException, Invalid {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      throw new Invalid("The request body must be a JSON object.", null);
    }
    Fields fields = new Fields();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (name) {
        case "model" -> {
          fields.modelPresent = true;
          fields.model = value == JsonToken.VALUE_STRING ? parser.getText() : "";
          parser.skipChildren();
        }
        case "messages" -> {
          fields.messagesNonEmpty = false;
          fields.messages =
              value == JsonToken.START_ARRAY ? messageTokens(parser, fields) : skip(parser);
        }
        case "prompt" -> {
          fields.hasPrompt = true;
          fields.prompt = tokensOf(parser);
        }
        case "input" -> fields.input = tokensOf(parser);
        case "max_tokens" -> fields.maxTokens = maxTokens(parser, name);
        case "max_completion_tokens" -> fields.maxCompletionTokens = maxTokens(parser, name);
        default -> parser.skipChildren();
      }
    }
    if (parser.nextToken() != null) {
      throw new Invalid(
          "The request body is not valid JSON: only whitespace may follow the object.", null);
    }
    if (fields.model.isBlank()) {
      throw new Invalid(
          fields.modelPresent ? "'model' must be a non-empty string." : "'model' is required.",
          "model");
    }
    if (path.endsWith("/chat/completions") && !fields.messagesNonEmpty) {
      throw new Invalid("'messages' must be a non-empty array.", "messages");
    }
    if (path.endsWith("/v1/completions") && !fields.hasPrompt) {
      throw new Invalid("'prompt' is required.", "prompt");
    }
    return new InferenceRequest(
        fields.model,
        fields.messages + fields.prompt + fields.input,
        Math.max(fields.maxTokens, fields.maxCompletionTokens));
  }

  /** What {@link #parse} has read so far; a field seen again replaces what it read before. */
  private static final class Fields {
    String model = "";
    boolean modelPresent;
    boolean messagesNonEmpty;
    boolean hasPrompt;
    long messages;
    long prompt;
    long input;
    long maxTokens;
    long maxCompletionTokens;
  }

  /** The parser is on the messages array's start; sums each message's {@code content} tokens. */
  private static long messageTokens(JsonParser parser, Fields fields) throws IOException {
    long total = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      fields.messagesNonEmpty = true;
      if (token == JsonToken.START_OBJECT) {
        total += fieldTokens(parser, "content");
      } else {
        parser.skipChildren();
      }
    }
    return total;
  }

  /**
   * The parser is on a value: a string counts its tokens, a number one, an array the sum of its
   * items, an object its {@code text} field; anything else nothing.
   */
  private static long tokensOf(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      return countTokens(parser.getText());
    }
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return 1;
    }
    if (token == JsonToken.START_OBJECT) {
      return fieldTokens(parser, "text");
    }
    long total = 0;
    if (token == JsonToken.START_ARRAY) {
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        total += tokensOf(parser);
      }
    }
    return total;
  }

  /** The parser is on an object's start: the tokens of its last {@code field}, others skipped. */
  private static long fieldTokens(JsonParser parser, String field) throws IOException {
    long tokens = 0;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      if (name.equals(field)) {
        tokens = tokensOf(parser);
      } else {
        parser.skipChildren();
      }
    }
    return tokens;
  }

  private static long skip(JsonParser parser) throws IOException {
    parser.skipChildren();
    return 0;
  }

  /** A null limit is 0 (none); anything but an integer from 1 to 2^63-1 is invalid. */
  private static long maxTokens(JsonParser parser, String field) throws IOException, Invalid {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return 0;
    }
    if (token == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != NumberType.BIG_INTEGER
        && parser.getLongValue() >= 1) {
      return parser.getLongValue();
    }
    String shown =
        switch (token) {
          case VALUE_STRING -> '"' + parser.getText() + '"';
          case START_OBJECT -> "an object";
          case START_ARRAY -> "an array";
          default -> parser.getText();
        };
    throw new Invalid("'" + field + "' must be an integer >= 1, got " + shown + ".", field);
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
