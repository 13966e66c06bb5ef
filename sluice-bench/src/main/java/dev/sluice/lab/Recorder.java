package dev.sluice.lab;

import static dev.sluice.internal.Preconditions.checkState;

import dev.sluice.flow.Outcome;
import java.util.Arrays;
import java.util.List;

/**
 * What happened to each arrival in one run: its one outcome, and for dispatched requests when and
 * after how long a wait. Recording a second outcome for the same arrival is a bug in the system
 * under test (or in its model) and fails the run.
 */
public final class Recorder {
  private final List<Arrival> arrivals;
  private final Outcome[] outcomes;
  private final long[] dispatchedAt;
  private final long[] waitNanos;
  private int ended;
  private int inFlight;
  private int maxInFlight;

  /** A recorder for {@code arrivals}. */
  public Recorder(List<Arrival> arrivals) {
    this.arrivals = arrivals;
    this.outcomes = new Outcome[arrivals.size()];
    this.dispatchedAt = new long[arrivals.size()];
    this.waitNanos = new long[arrivals.size()];
    Arrays.fill(dispatchedAt, -1);
  }

  /** {@code arrival} was dispatched at {@code now}; it now holds a backend slot. */
  public void dispatched(Arrival arrival, long now) {
    end(arrival, Outcome.DISPATCHED);
    dispatchedAt[arrival.index()] = now;
    waitNanos[arrival.index()] = now - arrival.atNanos();
    maxInFlight = Math.max(maxInFlight, ++inFlight);
  }

  /** The backend finished {@code arrival}'s work. */
  public void finished(Arrival arrival) {
    checkState(
        outcomes[arrival.index()] == Outcome.DISPATCHED,
        "finished but not dispatched: %s",
        arrival);
    inFlight--;
  }

  /** {@code arrival} was rejected or evicted with {@code outcome} at {@code now}. */
  public void ended(Arrival arrival, Outcome outcome, long now) {
    end(arrival, outcome);
    waitNanos[arrival.index()] = now - arrival.atNanos();
  }

  private void end(Arrival arrival, Outcome outcome) {
    int i = arrival.index();
    checkState(
        outcomes[i] == null, "second outcome %s for %s (first: %s)", outcome, arrival, outcomes[i]);
    outcomes[i] = outcome;
    ended++;
  }

  /** Whether every arrival has its outcome and no dispatched work is still running. */
  public boolean settled() {
    return ended == arrivals.size() && inFlight == 0;
  }

  /** Arrivals with an outcome. */
  public int ended() {
    return ended;
  }

  /** The most requests in flight at once. */
  public int maxInFlight() {
    return maxInFlight;
  }

  /** The outcome of arrival {@code i}, or null if it has none yet. */
  public Outcome outcome(int i) {
    return outcomes[i];
  }

  /** When arrival {@code i} was dispatched, or -1. */
  public long dispatchedAt(int i) {
    return dispatchedAt[i];
  }

  /** How long arrival {@code i} waited before its outcome. */
  public long waitNanos(int i) {
    return waitNanos[i];
  }

  /** The arrivals. */
  public List<Arrival> arrivals() {
    return arrivals;
  }
}
