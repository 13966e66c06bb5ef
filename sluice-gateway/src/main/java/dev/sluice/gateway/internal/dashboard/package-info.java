/**
 * The gateway's live dashboard on the admin port: {@link
 * dev.sluice.gateway.internal.dashboard.Dashboard} serves sluice-dashboard's page at {@code /} and
 * a server-sent stream of {@link dev.sluice.gateway.internal.dashboard.DashboardSnapshot}s at
 * {@code /dashboard/events}.
 *
 * <p>Internal: not part of the gateway's API (that is {@code dev.sluice.gateway} and {@code
 * dev.sluice.gateway.config}); may change in any release.
 */
package dev.sluice.gateway.internal.dashboard;
