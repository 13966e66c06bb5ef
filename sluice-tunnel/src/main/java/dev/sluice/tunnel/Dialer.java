package dev.sluice.tunnel;

import dev.sluice.flow.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One dial through the tunnel for a frontend, as both frontends do it: pick the next agent that is
 * not draining, send DIAL_REQ, wait for DIAL_RSP up to the dial timeout (then cancel with
 * DIAL_CLS), and record the outcome in the {@link TunnelMetrics}: the dial's duration, or its
 * failure reason. Thread-safe.
 */
final class Dialer {

  /** Why a dial failed: the {@code reason} label of {@code dial_failure_count}. */
  enum Failure {
    /** No agent connected, or every connected one is draining (Sluice's). */
    NO_BACKEND("no_backend"),
    /** The agent's tunnel is at its connection cap (Sluice's). */
    TOO_MANY_CONNECTIONS("too_many_connections"),
    /** The agent answered DIAL_RSP with an error (upstream's). */
    ERROR_RESPONSE("error_response"),
    /** The agent's tunnel closed before it answered (upstream's). */
    BACKEND_CLOSE("backend_close"),
    /** No DIAL_RSP within the dial timeout (upstream's {@code backend_dial_timeout}). */
    TIMEOUT("backend_dial_timeout"),
    /** The agent answered but the frontend could not be told: it left (upstream's). */
    SEND_RSP("send_rsp");

    final String label;

    Failure(String label) {
      this.label = label;
    }
  }

  /** A dial's outcome: {@code pipe} (not started) or a failure with its text. */
  record Result(
      @Nullable Pipe pipe, @Nullable ServerLink agent, @Nullable Failure failure, String error) {
    /** Why the dial failed; only for a failed one. */
    Failure reason() {
      return Objects.requireNonNull(failure, "the dial succeeded");
    }
  }

  private final Agents agents;
  private final Duration timeout;
  private final TunnelMetrics metrics;
  private final Ticker ticker;

  Dialer(Agents agents, Duration timeout, TunnelMetrics metrics, Ticker ticker) {
    this.agents = agents;
    this.timeout = timeout;
    this.metrics = metrics;
    this.ticker = ticker;
  }

  /** Dials {@code address} for {@code client}; blocks up to the dial timeout. */
  Result dial(String address, Endpoint client) throws InterruptedException {
    long start = ticker.read();
    ServerLink agent = agents.pick();
    if (agent == null) {
      return failed(null, Failure.NO_BACKEND, agents.unavailable());
    }
    ServerLink.Dial dial = agent.dial(address, client);
    Pipe pipe;
    try {
      pipe = dial.result().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (agent.cancelDial(dial.random())) {
        return failed(
            agent,
            Failure.TIMEOUT,
            "dial "
                + address
                + " via agent "
                + agent.agentId
                + ": no answer within "
                + timeout.toMillis()
                + " ms");
      }
      pipe = dial.result().join(); // answered just now
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      Failure failure =
          cause instanceof ServerLink.DialFailedException failed
              ? failed.failure
              : Failure.BACKEND_CLOSE;
      return failed(agent, failure, String.valueOf(cause.getMessage()));
    }
    metrics.dialed(ticker.read() - start);
    return new Result(pipe, agent, null, "");
  }

  /** The frontend could not be told that the dial succeeded: ends the connection. */
  void frontendGone(Result result) {
    ServerLink agent = result.agent();
    Pipe pipe = result.pipe();
    if (agent != null && pipe != null) {
      agent.abandon(pipe);
    }
    metrics.dialFailed(Failure.SEND_RSP);
  }

  private Result failed(@Nullable ServerLink agent, Failure failure, String error) {
    metrics.dialFailed(failure);
    return new Result(null, agent, failure, error);
  }
}
