package dev.sluice.gateway.internal.proxy;

import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.sluice.flow.FlowKey;
import dev.sluice.flow.FlowRequest;
import dev.sluice.gateway.config.GatewayConfig;
import dev.sluice.gateway.internal.pool.Placement;
import dev.sluice.gateway.internal.tenant.TenantResolver;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Turns an identified, parsed request into the {@link FlowRequest} flow control sees: the caller's
 * flow and priority, the cost (estimated prompt tokens plus {@code max_tokens}), the body's byte
 * size, the queue TTL and the TTFT objective from the configured headers, and the model as the
 * placement. Stateless and thread-safe.
 */
final class FlowClassifier {

  private final GatewayConfig.Identity identity;

  FlowClassifier(GatewayConfig.Identity identity) {
    this.identity = identity;
  }

  /**
   * The flow request for {@code parsed}, sent by {@code caller}.
   *
   * @throws InferenceRequest.Invalid if a TTL or TTFT-SLO header is not a positive integer
   */
  FlowRequest classify(
      RequestHeaders headers,
      TenantResolver.Identified caller,
      InferenceRequest parsed,
      long bytes,
      long receivedNanos,
      ServiceRequestContext ctx)
      throws InferenceRequest.Invalid {
    return FlowRequest.builder(FlowKey.of(caller.flowId(), caller.priority()))
        .byteSize(bytes)
        .cost(parsed.cost())
        .ttl(millisHeader(headers, identity.ttlHeaders()))
        .slo(millisHeader(headers, identity.sloTtftHeaders()))
        .receivedNanos(receivedNanos)
        .id(ctx.id().text())
        .payload(new Placement(parsed.model()))
        .build();
  }

  private static @Nullable Duration millisHeader(RequestHeaders headers, List<String> names)
      throws InferenceRequest.Invalid {
    for (String name : names) {
      String value = headers.get(name);
      if (value == null) {
        continue;
      }
      try {
        long millis = Long.parseLong(value.trim());
        if (millis > 0) {
          return Duration.ofMillis(millis);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new InferenceRequest.Invalid(
          "Header "
              + name
              + " must be an integer number of "
              + "milliseconds > 0, got '"
              + value
              + "'.",
          name);
    }
    return null;
  }
}
