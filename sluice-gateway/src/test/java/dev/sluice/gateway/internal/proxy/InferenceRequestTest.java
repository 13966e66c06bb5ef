package dev.sluice.gateway.internal.proxy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The body parser reads the model and the cost in one streaming pass and names what is wrong. */
class InferenceRequestTest {

  private static final String CHAT = "/v1/chat/completions";
  private static final String COMPLETIONS = "/v1/completions";

  private static InferenceRequest parse(String path, String body) throws Exception {
    return InferenceRequest.parse(path, body.getBytes(UTF_8));
  }

  private static InferenceRequest.Invalid invalid(String path, String body) {
    try {
      parse(path, body);
    } catch (InferenceRequest.Invalid e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected Invalid, got " + e, e);
    }
    throw new AssertionError("expected Invalid for " + body);
  }

  @Test
  void chatCountsEveryMessagesContentAndTakesTheLargerLimit() throws Exception {
    InferenceRequest request =
        parse(
            CHAT,
            """
            {"model": "m", "stream": true, "tools": [{"type": "function", "x": {"y": [1, 2]}}],
             "messages": [
               {"role": "system", "content": "Be brief."},
               {"role": "user", "content": [{"type": "text", "text": "Hello, world"}, {"type": "image"}]},
               "not an object", 7
             ],
             "max_tokens": 16, "max_completion_tokens": 32}
            """);
    assertThat(request.model()).isEqualTo("m");
    assertThat(request.promptTokens())
        .isEqualTo(3 + 3); // "Be brief." and "Hello, world": words and punctuation
    assertThat(request.maxTokens()).isEqualTo(32);
    assertThat(request.cost()).isEqualTo(38);
  }

  @Test
  void completionsCountPromptStringsArraysAndTokenIds() throws Exception {
    assertThat(parse(COMPLETIONS, "{\"model\":\"m\",\"prompt\":\"a b c\"}").promptTokens())
        .isEqualTo(3);
    assertThat(parse(COMPLETIONS, "{\"model\":\"m\",\"prompt\":[\"a b\",\"c\"]}").promptTokens())
        .isEqualTo(3);
    assertThat(parse(COMPLETIONS, "{\"model\":\"m\",\"prompt\":[101,102,103,104]}").promptTokens())
        .isEqualTo(4);
    assertThat(parse("/v1/embeddings", "{\"model\":\"m\",\"input\":\"one two\"}").promptTokens())
        .isEqualTo(2);
  }

  @Test
  void aRepeatedFieldCountsItsLastOccurrence() throws Exception {
    InferenceRequest request =
        parse(
            CHAT,
            "{\"model\":\"a\",\"messages\":[{\"content\":\"x y z\"}],\"model\":\"b\","
                + "\"messages\":[{\"content\":\"x\",\"content\":\"p q\"}],\"max_tokens\":5,"
                + "\"max_tokens\":null}");
    assertThat(request.model()).isEqualTo("b");
    assertThat(request.promptTokens()).isEqualTo(2);
    assertThat(request.maxTokens()).isZero();
  }

  @Test
  void whitespaceMayFollowTheObjectButNothingElse() throws Exception {
    assertThat(parse(CHAT, "{\"model\":\"m\",\"messages\":[{}]} \r\n\t").model()).isEqualTo("m");
    assertThat(invalid(CHAT, "{\"model\":\"m\",\"messages\":[{}]} {}").reason)
        .startsWith("The request body is not valid JSON");
    assertThat(invalid(CHAT, "{\"model\":\"m\",\"messages\":[{}]} xyz").reason)
        .startsWith("The request body is not valid JSON");
    assertThat(invalid(CHAT, "{\"model\": ").reason)
        .startsWith("The request body is not valid JSON");
  }

  @Test
  void eachMissingOrMistypedFieldIsNamed() {
    assertThat(invalid(CHAT, "").reason).isEqualTo("The request body must be a JSON object.");
    assertThat(invalid(CHAT, "[1]").reason).isEqualTo("The request body must be a JSON object.");
    InferenceRequest.Invalid noModel = invalid(CHAT, "{\"messages\":[{\"content\":\"hi\"}]}");
    assertThat(noModel.reason).isEqualTo("'model' is required.");
    assertThat(noModel.param).isEqualTo("model");
    assertThat(invalid(CHAT, "{\"model\":{\"a\":1},\"messages\":[{}]}").reason)
        .isEqualTo("'model' must be a non-empty string.");
    assertThat(invalid(CHAT, "{\"model\":\" \",\"messages\":[{}]}").reason)
        .isEqualTo("'model' must be a non-empty string.");
    assertThat(invalid(CHAT, "{\"model\":\"m\",\"messages\":[]}").param).isEqualTo("messages");
    assertThat(invalid(CHAT, "{\"model\":\"m\",\"messages\":{}}").param).isEqualTo("messages");
    assertThat(invalid(COMPLETIONS, "{\"model\":\"m\"}").reason).isEqualTo("'prompt' is required.");
  }

  @Test
  void anOutputLimitMustBeAPositiveInteger() {
    String body = "{\"model\":\"m\",\"messages\":[{}],\"max_tokens\":%s}";
    assertThat(invalid(CHAT, body.formatted("0")).reason)
        .isEqualTo("'max_tokens' must be an integer >= 1, got 0.");
    assertThat(invalid(CHAT, body.formatted("1.5")).reason).endsWith("got 1.5.");
    assertThat(invalid(CHAT, body.formatted("\"8\"")).reason).endsWith("got \"8\".");
    assertThat(invalid(CHAT, body.formatted("[8]")).reason).endsWith("got an array.");
    assertThat(invalid(CHAT, body.formatted("99999999999999999999")).param).isEqualTo("max_tokens");
    assertThatThrownBy(
            () -> parse(CHAT, "{\"model\":\"m\",\"messages\":[{}],\"max_completion_tokens\":-1}"))
        .isInstanceOf(InferenceRequest.Invalid.class)
        .hasMessageContaining("max_completion_tokens");
  }
}
