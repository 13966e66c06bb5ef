package dev.sluice.sim.engine;

/**
 * Receives one request's output. The engine calls it outside its lock, from the scheduler's thread,
 * one call at a time per request and in order: {@link #onToken} once per output token, then {@link
 * #onFinished} once. After the request is {@linkplain Ticket#cancel() cancelled} no further call is
 * made. Implementations must not block.
 */
public interface TokenSink {

  /** The next output token's text (a word with a leading space, or a punctuation mark). */
  void onToken(String text);

  /**
   * Generation ended normally.
   *
   * @param finishReason {@code length} when the request's {@code max_tokens} was reached, otherwise
   *     {@code stop}
   */
  void onFinished(String finishReason, int promptTokens, int completionTokens);
}
