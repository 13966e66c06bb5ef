/**
 * The backends behind the gateway: {@link dev.sluice.gateway.pool.EndpointPool} scrapes each model
 * server's metrics, decides which are fresh, learns their running slots, and provides the
 * saturation detector that dispatches a request and reserves its endpoint in one step.
 */
package dev.sluice.gateway.pool;
