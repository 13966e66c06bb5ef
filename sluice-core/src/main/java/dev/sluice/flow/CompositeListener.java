package dev.sluice.flow;

import java.util.List;
import java.util.Objects;

/**
 * {@link FlowControlListener#of}: forwards each event to every listener in order, isolating them.
 * Written out per event, without a lambda, so that forwarding allocates nothing per request.
 */
final class CompositeListener implements FlowControlListener {
  private static final System.Logger LOG = System.getLogger(FlowControlListener.class.getName());

  private final FlowControlListener[] listeners;

  CompositeListener(List<? extends FlowControlListener> listeners) {
    this.listeners = listeners.toArray(new FlowControlListener[0]);
    for (int i = 0; i < this.listeners.length; i++) {
      Objects.requireNonNull(this.listeners[i], "listeners[" + i + "]");
    }
  }

  private static void failed(FlowControlListener listener, String event, RuntimeException e) {
    LOG.log(
        System.Logger.Level.WARNING,
        "flow control listener " + listener + " failed on " + event,
        e);
  }

  @Override
  public void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
    for (FlowControlListener listener : listeners) {
      try {
        listener.onOutcome(request, outcome, queueNanos);
      } catch (RuntimeException e) {
        failed(listener, "onOutcome", e);
      }
    }
  }

  @Override
  public void onAdmissionClosed(FlowRequest request) {
    for (FlowControlListener listener : listeners) {
      try {
        listener.onAdmissionClosed(request);
      } catch (RuntimeException e) {
        failed(listener, "onAdmissionClosed", e);
      }
    }
  }

  @Override
  public void onFlowCreated(FlowKey key) {
    for (FlowControlListener listener : listeners) {
      try {
        listener.onFlowCreated(key);
      } catch (RuntimeException e) {
        failed(listener, "onFlowCreated", e);
      }
    }
  }

  @Override
  public void onFlowCollected(FlowKey key) {
    for (FlowControlListener listener : listeners) {
      try {
        listener.onFlowCollected(key);
      } catch (RuntimeException e) {
        failed(listener, "onFlowCollected", e);
      }
    }
  }

  @Override
  public void onBandCreated(int priority) {
    for (FlowControlListener listener : listeners) {
      try {
        listener.onBandCreated(priority);
      } catch (RuntimeException e) {
        failed(listener, "onBandCreated", e);
      }
    }
  }

  @Override
  public void onBandCollected(int priority) {
    for (FlowControlListener listener : listeners) {
      try {
        listener.onBandCollected(priority);
      } catch (RuntimeException e) {
        failed(listener, "onBandCollected", e);
      }
    }
  }

  @Override
  public String toString() {
    return "FlowControlListener.of" + List.of(listeners);
  }
}
