/**
 * Saturation detectors, the gate every dispatch passes: {@link
 * dev.sluice.flow.saturation.ConcurrencyDetector} (in-flight requests or cost this controller
 * dispatched), {@link dev.sluice.flow.saturation.UtilizationDetector} (GIE's formula over scraped
 * queue depth and KV-cache use) and {@code always-open}. A detector is thread-safe and is called on
 * hot paths, possibly under a shard lock.
 */
package dev.sluice.flow.saturation;
