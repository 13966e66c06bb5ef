package dev.sluice.sim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.sim.engine.TokenSink;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Turns engine output into an OpenAI response: SSE chunks when streaming, one JSON body otherwise.
 * The engine calls it one call at a time per request; {@link #accepted()} may race with the first
 * token, so writes are synchronized.
 */
final class CompletionSink implements TokenSink {

  private final ObjectMapper mapper;
  private final CompletionRequest request;
  private final String id;
  private final long created;
  // Exactly one of these is set: the SSE stream when the request streams, else the whole body.
  private final @Nullable HttpResponseWriter stream;
  private final @Nullable CompletableFuture<HttpResponse> whole;
  private final StringBuilder text = new StringBuilder();
  private boolean headersSent;
  private boolean roleSent;

  CompletionSink(ObjectMapper mapper, CompletionRequest request, String id, long created) {
    this.mapper = mapper;
    this.request = request;
    this.id = id;
    this.created = created;
    if (request.stream()) {
      this.stream = HttpResponse.streaming();
      this.whole = null;
    } else {
      this.stream = null;
      this.whole = new CompletableFuture<>();
    }
  }

  HttpResponse response() {
    return stream != null ? stream : HttpResponse.of(whole());
  }

  /** Completes exceptionally when the client goes away before the end of the response. */
  CompletableFuture<Void> whenAborted() {
    CompletableFuture<Void> aborted = new CompletableFuture<>();
    if (stream != null) {
      CompletableFuture<Void> unused =
          stream
              .whenComplete()
              .whenComplete(
                  (ignored, cause) -> {
                    if (cause != null) {
                      aborted.complete(null);
                    }
                  });
    }
    return aborted;
  }

  /** The engine accepted the request: commit to status 200 so the client sees it is queued. */
  @SuppressWarnings("CheckReturnValue") // a closed stream means the client left: whenAborted()
  synchronized void accepted() {
    if (stream != null && !headersSent) {
      headersSent = true;
      stream.tryWrite(
          ResponseHeaders.builder(HttpStatus.OK)
              .contentType(MediaType.EVENT_STREAM)
              .add("cache-control", "no-cache")
              .build());
    }
  }

  @Override
  public synchronized void onToken(String token) {
    if (stream == null) {
      text.append(token);
      return;
    }
    accepted();
    if (request.chat() && !roleSent) {
      roleSent = true;
      ObjectNode delta = mapper.createObjectNode().put("role", "assistant").put("content", "");
      send(stream, chunk(delta, null));
    }
    send(
        stream,
        request.chat()
            ? chunk(mapper.createObjectNode().put("content", token), null)
            : textChunk(token, null));
  }

  @Override
  public synchronized void onFinished(String finishReason, int promptTokens, int completionTokens) {
    if (stream == null) {
      whole()
          .complete(
              HttpResponse.of(
                  HttpStatus.OK,
                  MediaType.JSON_UTF_8,
                  body(finishReason, promptTokens, completionTokens).toString()));
      return;
    }
    send(
        stream,
        request.chat()
            ? chunk(mapper.createObjectNode(), finishReason)
            : textChunk("", finishReason));
    if (request.includeUsage()) {
      ObjectNode usage = envelope();
      usage.putArray("choices");
      usage.set("usage", usage(promptTokens, completionTokens));
      send(stream, usage);
    }
    boolean unused = stream.tryWrite(HttpData.ofUtf8("data: [DONE]\n\n")); // see accepted()
    stream.close();
  }

  private static void send(HttpResponseWriter stream, ObjectNode chunk) {
    if (!stream.tryWrite(HttpData.ofUtf8("data: " + chunk + "\n\n"))) {
      // The client went away; the abort callback cancels the engine ticket.
      throw new IllegalStateException("response stream closed");
    }
  }

  /** The future of the whole response; only a request that does not stream has one. */
  private CompletableFuture<HttpResponse> whole() {
    return Objects.requireNonNull(whole, "a streaming request has no whole response");
  }

  private ObjectNode envelope() {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", id);
    node.put("object", request.chat() ? "chat.completion.chunk" : "text_completion");
    node.put("created", created);
    node.put("model", request.model());
    node.putNull("system_fingerprint");
    return node;
  }

  /** A chat chunk: the choice carries {@code delta}; {@code finishReason} is null until the end. */
  private ObjectNode chunk(ObjectNode delta, @Nullable String finishReason) {
    return chunkWith("delta", delta, finishReason);
  }

  /** A completions chunk: the choice carries {@code text}. */
  private ObjectNode textChunk(String token, @Nullable String finishReason) {
    return chunkWith("text", TextNode.valueOf(token), finishReason);
  }

  private ObjectNode chunkWith(String field, JsonNode content, @Nullable String finishReason) {
    ObjectNode node = envelope();
    ObjectNode choice = node.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set(field, content);
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    if (request.includeUsage()) {
      node.putNull("usage");
    }
    return node;
  }

  private ObjectNode body(String finishReason, int promptTokens, int completionTokens) {
    ObjectNode node = mapper.createObjectNode();
    node.put("id", id);
    node.put("object", request.chat() ? "chat.completion" : "text_completion");
    node.put("created", created);
    node.put("model", request.model());
    node.putNull("system_fingerprint");
    ArrayNode choices = node.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    if (request.chat()) {
      ObjectNode message = choice.putObject("message");
      message.put("role", "assistant");
      message.put("content", text.toString());
      message.putNull("refusal");
    } else {
      choice.put("text", text.toString());
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason);
    node.set("usage", usage(promptTokens, completionTokens));
    return node;
  }

  private ObjectNode usage(int promptTokens, int completionTokens) {
    ObjectNode usage = mapper.createObjectNode();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
    return usage;
  }
}
