package dev.sluice.flow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A listener that records every outcome and lifecycle event. Thread-safe. */
final class Recorder implements FlowControlListener {

  /** One outcome. */
  record Event(FlowRequest request, Outcome outcome, long queueNanos) {}

  private final List<Event> events = new ArrayList<>();
  private final List<FlowRequest> dispatched = new ArrayList<>();
  final Map<String, AtomicLong> lifecycle = new ConcurrentHashMap<>();

  @Override
  public synchronized void onOutcome(FlowRequest request, Outcome outcome, long queueNanos) {
    events.add(new Event(request, outcome, queueNanos));
    if (outcome == Outcome.DISPATCHED) {
      dispatched.add(request);
    }
  }

  @Override
  public void onFlowCreated(FlowKey key) {
    bump("flowCreated");
  }

  @Override
  public void onFlowCollected(FlowKey key) {
    bump("flowCollected");
  }

  @Override
  public void onBandCreated(int priority) {
    bump("bandCreated");
  }

  @Override
  public void onBandCollected(int priority) {
    bump("bandCollected");
  }

  private void bump(String event) {
    lifecycle.computeIfAbsent(event, e -> new AtomicLong()).incrementAndGet();
  }

  long lifecycle(String event) {
    AtomicLong count = lifecycle.get(event);
    return count == null ? 0 : count.get();
  }

  synchronized List<Event> events() {
    return new ArrayList<>(events);
  }

  /** The dispatched requests, in dispatch order. */
  synchronized List<FlowRequest> dispatched() {
    return new ArrayList<>(dispatched);
  }

  /** How many requests were dispatched so far. */
  synchronized int dispatchedCount() {
    return dispatched.size();
  }

  /**
   * The requests dispatched after the first {@code from}, in dispatch order: what a caller that has
   * seen {@code from} of them has not seen yet, without copying the whole history.
   */
  synchronized List<FlowRequest> dispatchedSince(int from) {
    return new ArrayList<>(dispatched.subList(from, dispatched.size()));
  }

  synchronized Outcome outcomeOf(FlowRequest request) {
    Outcome found = null;
    for (Event event : events) {
      if (event.request() == request) {
        if (found != null) {
          throw new AssertionError(
              "two outcomes for " + request + ": " + found + ", " + event.outcome());
        }
        found = event.outcome();
      }
    }
    return found;
  }
}
