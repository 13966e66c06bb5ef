package dev.sluice.pipeline;

import java.util.List;

/**
 * What a producer's lease call returned. Immutable.
 *
 * @param leases the items leased, possibly none
 * @param paused {@code true} if nothing was leased because backpressure is paused: the results held
 *     (plus the bytes reserved for work in flight) reached the high watermark. With no leases and
 *     {@code paused == false}, there was no pending work or the worker is at its in-flight cap.
 */
public record LeaseBatch(List<ItemLease> leases, boolean paused) {

  /** Copies {@code leases}. */
  public LeaseBatch {
    leases = List.copyOf(leases);
  }

  /** Whether nothing was leased. */
  public boolean isEmpty() {
    return leases.isEmpty();
  }
}
