package dev.sluice.gateway.internal.metrics;

import com.linecorp.armeria.common.ResponseHeaders;
import dev.sluice.gateway.internal.proxy.Errors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the answers the gateway makes itself, {@code sluice_gateway_responses_total} by {@code
 * status} and {@code outcome}: every response of the inference port whose headers carry {@value
 * Errors#OUTCOME_HEADER} (flow-control refusals, 400/404/405/408/413/431, 502/504, the 503s), each
 * counted once, when it has been sent. Upstream answers, which carry no outcome, are not counted.
 * Flow-control refusals are also in {@code sluice_flow_control_requests_total}, by tenant and
 * priority; this series is by HTTP answer. Thread-safe.
 */
public final class ResponseMetrics {

  private final MeterRegistry registry;

  /** Counts into {@code registry}. */
  public ResponseMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts {@code headers} if they are the gateway's own answer. */
  public void record(ResponseHeaders headers) {
    String outcome = headers.get(Errors.OUTCOME_HEADER);
    if (outcome != null) {
      record(headers.status().code(), outcome);
    }
  }

  /** Counts one answer. */
  public void record(int status, String outcome) {
    Counter.builder("sluice.gateway.responses")
        .description("Answers the gateway made itself, by status and x-sluice-outcome")
        .tag("status", Integer.toString(status))
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
