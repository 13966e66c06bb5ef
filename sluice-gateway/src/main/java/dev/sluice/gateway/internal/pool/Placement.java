package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import org.jspecify.annotations.Nullable;

/**
 * Where one flow-controlled request goes: the endpoint its dispatch reserved. The gateway makes one
 * per request and passes it as the {@link dev.sluice.flow.FlowRequest#payload() payload}; the
 * pool's gate fills it in the same step that counts the dispatch, so a request is only ever
 * dispatched with a fresh endpoint to go to, and empties it when the admission closes.
 *
 * <p>Thread-safe: written under the pool's lock, read from any thread.
 */
public final class Placement {

  private final String model;
  private volatile @Nullable Endpoint endpoint;

  /**
   * The placement {@code request} carries.
   *
   * @throws IllegalArgumentException if its payload is not a placement
   */
  static Placement of(FlowRequest request) {
    if (request.payload() instanceof Placement placement) {
      return placement;
    }
    throw new IllegalArgumentException(
        "request "
            + request.id()
            + ": payload is not a Placement (expected: every gateway request carries one)");
  }

  /** A placement for a request for {@code model}; no endpoint yet. */
  public Placement(String model) {
    this.model = model;
  }

  /** The model the request asks for. */
  public String model() {
    return model;
  }

  /**
   * The endpoint the request was dispatched to, or {@code null} before dispatch, after its
   * admission closed, or if every endpoint refused it.
   */
  public @Nullable Endpoint endpoint() {
    return endpoint;
  }

  void endpoint(@Nullable Endpoint value) {
    endpoint = value;
  }

  @Override
  public String toString() {
    return model + "@" + endpoint;
  }
}
