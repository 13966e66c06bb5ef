package dev.sluice.sim.load;

import org.jspecify.annotations.Nullable;

/**
 * What the load client saw of one request. Times are nanoseconds from sending the request.
 * Immutable: the gap array is copied in and out.
 *
 * @param tenant the tenant's name
 * @param priority the tenant's priority
 * @param status HTTP status, or 0 when no response arrived (connection failure or cancelled at the
 *     end of the run)
 * @param reason why it failed: the {@code x-sluice-outcome} response header if present, else the
 *     OpenAI error {@code code} or {@code type}, else a short description; {@code null} on success
 * @param completed the stream ended with {@code data: [DONE]} (or a non-streaming body arrived)
 * @param ttftNanos time to the first non-empty token, or -1
 * @param interTokenNanos gaps between consecutive non-empty tokens
 * @param e2eNanos time to the end of the response
 * @param outputTokens tokens received (from the usage chunk when present, else counted)
 */
public record RequestRecord(
    String tenant,
    int priority,
    int status,
    @Nullable String reason,
    boolean completed,
    long ttftNanos,
    long[] interTokenNanos,
    long e2eNanos,
    int outputTokens) {

  /** Copies the gaps. */
  public RequestRecord {
    interTokenNanos = interTokenNanos.clone();
  }

  /** A copy of the gaps between consecutive tokens. */
  @Override
  public long[] interTokenNanos() {
    return interTokenNanos.clone();
  }

  /** Status 200 and a complete response with at least one token. */
  public boolean succeeded() {
    return status == 200 && completed && outputTokens > 0 && ttftNanos >= 0;
  }

  /** {@code (e2e − ttft)/(outputTokens − 1)}, inference-perf's TPOT; 0 for one token. */
  public long tpotNanos() {
    return outputTokens > 1 ? (e2eNanos - ttftNanos) / (outputTokens - 1) : 0;
  }

  /** {@code e2e/outputTokens}, inference-perf's NTPOT. */
  public long ntpotNanos() {
    return outputTokens > 0 ? e2eNanos / outputTokens : 0;
  }
}
