/**
 * The backends behind the gateway: {@link dev.sluice.gateway.internal.pool.EndpointPool} scrapes
 * each model server's metrics, decides which are fresh, learns their running slots, and provides
 * the saturation detector that dispatches a request and reserves its endpoint in one step. Its
 * parts: {@code EndpointScraper} reads each backend's metrics on a timer, {@code SlotEstimate}
 * learns a backend's slots from them, the gates ({@code SlotGate}, {@code UtilizationGate}, {@code
 * ConcurrencyGate}, sharing {@code PoolGate}) decide whether a request may go now and where, and
 * {@code EndpointPicker} is GIE's pick by the core utilization score.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.pool;
