/**
 * The gateway's live dashboard on the admin port: {@link dev.sluice.gateway.dashboard.Dashboard}
 * serves sluice-dashboard's page at {@code /} and a server-sent stream of {@link
 * dev.sluice.gateway.dashboard.DashboardSnapshot}s at {@code /dashboard/events}.
 */
package dev.sluice.gateway.dashboard;
