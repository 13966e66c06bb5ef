package dev.sluice.gateway.internal.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpData;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Puts a request's priority into its body for engines that schedule by it: vLLM with {@code
 * --scheduling-policy priority} reads the body's integer {@code priority}, lower first, and
 * preempts running requests of a higher value. Sluice's priorities run the other way (higher is
 * more important), so the body gets the negated flow priority. A {@code priority} the client sent
 * is replaced: the gateway, not the client, decides. Stateless and thread-safe.
 */
final class EnginePriority {

  private static final ObjectMapper JSON = new ObjectMapper();

  private EnginePriority() {}

  /**
   * {@code body} (a JSON object the gateway already validated) with {@code priority} set to the
   * engine's value for {@code flowPriority}.
   */
  static HttpData inject(HttpData body, int flowPriority) {
    try {
      JsonNode root = JSON.readTree(body.array());
      ((ObjectNode) root).put("priority", engineValue(flowPriority));
      return HttpData.wrap(JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new UncheckedIOException("a validated body could not be read again", e);
    }
  }

  /** vLLM's value for a Sluice priority: negated, so that higher Sluice priorities run first. */
  static int engineValue(int flowPriority) {
    return flowPriority == Integer.MIN_VALUE ? Integer.MAX_VALUE : -flowPriority;
  }
}
