package dev.sluice.gateway.internal.pool;

import dev.sluice.flow.FlowRequest;
import dev.sluice.flow.saturation.ConcurrencyDetector;
import org.jspecify.annotations.Nullable;

/**
 * {@code concurrency}: the core {@link ConcurrencyDetector}, closed while no endpoint is fresh.
 * Places by {@link EndpointPicker}.
 */
final class ConcurrencyGate extends PoolGate {
  private final ConcurrencyDetector delegate;

  ConcurrencyGate(EndpointPool pool, ConcurrencyDetector delegate) {
    super(pool);
    this.delegate = delegate;
    // A raised limit wakes the controller too.
    delegate.addListener(this::wakeUp);
  }

  @Override
  public double saturation() {
    double base = delegate.saturation();
    return pool.hasFreshEndpoint() ? base : Math.max(1.0, base);
  }

  @Override
  boolean admits(FlowRequest request, double ceiling) {
    return pool.hasFreshEndpoint() && delegate.tryDispatch(request, ceiling);
  }

  @Override
  void unadmit(FlowRequest request) {
    delegate.onFinished(request);
  }

  @Override
  @Nullable Endpoint choose(boolean anyFresh, int priority) {
    return EndpointPicker.leastScored(pool);
  }

  @Override
  long ended(FlowRequest request, @Nullable Endpoint endpoint) {
    delegate.onFinished(request);
    return -1;
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
