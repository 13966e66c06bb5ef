package dev.sluice.sim.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Estimates token counts without a real tokenizer: every run of letters or digits is one token and
 * every other non-space character is one token, like llm-d-inference-sim's dummy tokenizer. A
 * prompt of {@code n} space-separated words is therefore {@code n} tokens. Stateless and
 * thread-safe.
 */
public final class TokenEstimator {

  private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+|[^\\p{L}\\p{N}\\s]");

  private TokenEstimator() {}

  /** Estimated tokens in {@code text}. */
  public static int count(CharSequence text) {
    Matcher matcher = TOKEN.matcher(text);
    int tokens = 0;
    while (matcher.find()) {
      tokens++;
    }
    return tokens;
  }
}
